package org.rationale.saliency;

import org.rationale.explain.ExplainableModel;
import org.rationale.explain.InputBatch;

/** The gradient of the target logit with respect to the input (Simonyan et al. 2014), signed. */
public final class VanillaGradient implements AttributionMethod {

    @Override
    public String name() {
        return "vanilla-gradient";
    }

    @Override
    public MethodParameters.Spec parameters() {
        return new MethodParameters.Spec();
    }

    @Override
    public boolean isPlainGradient() {
        return true;
    }

    @Override
    public Attribution attribute(ExplainableModel model, InputBatch inputs, int[] targets, MethodParameters params) {
        return Attribution.withoutMetrics(inputs, Batches.gradient(model, inputs, targets));
    }
}
