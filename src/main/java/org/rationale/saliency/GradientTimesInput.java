package org.rationale.saliency;

import org.rationale.explain.ExplainableModel;
import org.rationale.explain.InputBatch;

/** Gradient × input (Shrikumar et al. 2016): exact for linear models with a zero baseline. */
public final class GradientTimesInput implements AttributionMethod {

    @Override
    public String name() {
        return "gradient-x-input";
    }

    @Override
    public MethodParameters.Spec parameters() {
        return new MethodParameters.Spec();
    }

    @Override
    public Attribution attribute(ExplainableModel model, InputBatch inputs, int[] targets, MethodParameters params) {
        float[] g = Batches.gradient(model, inputs, targets);
        float[] x = inputs.values();
        for (int i = 0; i < g.length; i++) {
            g[i] *= x[i];
        }
        return Attribution.withoutMetrics(inputs, g);
    }
}
