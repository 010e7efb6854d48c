package org.rationale.saliency;

import org.rationale.explain.UnsupportedMethodException;
import org.rationale.explain.ExplainableModel;
import org.rationale.explain.InputBatch;

import java.util.Optional;

/**
 * Guided backpropagation (Springenberg et al. 2015) needs the backward pass of every ReLU
 * replaced. Models run through DJL's PyTorch engine (TorchScript uploads and the platform's own CNN)
 * expose no such hook, so the method says so instead of returning a plain gradient under a false name.
 */
public final class GuidedBackprop implements AttributionMethod {

    private static final String NO_HOOKS = "guided-backprop replaces the backward pass of each ReLU; models run "
            + "through DJL's PyTorch engine expose no backward hooks, so it cannot run on them. Use smoothgrad or "
            + "integrated-gradients instead";

    @Override
    public String name() {
        return "guided-backprop";
    }

    @Override
    public MethodParameters.Spec parameters() {
        return new MethodParameters.Spec();
    }

    @Override
    public Optional<String> refusal(boolean supportsCam, boolean tabular) {
        return Optional.of(NO_HOOKS);
    }

    @Override
    public Optional<String> refusalOnRows() {
        return Optional.of(NO_HOOKS);
    }

    @Override
    public Attribution attribute(ExplainableModel model, InputBatch inputs, int[] targets, MethodParameters params) {
        throw new UnsupportedMethodException(NO_HOOKS);
    }
}
