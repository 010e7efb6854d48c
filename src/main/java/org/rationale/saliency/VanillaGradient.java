package org.rationale.saliency;

import java.util.Collections;
import java.util.List;
import java.util.Map;

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
    public Attribution attribute(ExplainableModel model, InputBatch inputs, int[] targets, MethodParameters params) {
        float[] g = Batches.gradient(model, inputs, targets);
        return new Attribution(inputs, g, Collections.nCopies(inputs.n(), Map.of()));
    }

    static List<Map<String, Double>> noMetrics(int n) {
        return Collections.nCopies(n, Map.of());
    }
}
