package org.rationale.saliency;

import org.rationale.explain.ExplainableModel;
import org.rationale.explain.InputBatch;
import org.junit.jupiter.api.Test;
import org.rationale.model.TorchScriptModel;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SanityCheckTest {

    /** A "method" that ignores the model: |x|, like an edge detector would. It must fail the check. */
    static final class InputMagnitude implements AttributionMethod {
        @Override public String name() { return "input-magnitude"; }
        @Override public MethodParameters.Spec parameters() { return new MethodParameters.Spec(); }
        @Override public Attribution attribute(ExplainableModel model, InputBatch inputs, int[] targets, MethodParameters p) {
            float[] v = inputs.values().clone();
            for (int i = 0; i < v.length; i++) {
                v[i] = Math.abs(v[i]);
            }
            return Attribution.withoutMetrics(inputs, v);
        }
    }

    private static SanityCheck.Result run(AttributionMethod m, Map<String, String> params) {
        try (TorchScriptModel trained = ReferenceFixtures.load("cnn"); TorchScriptModel copy = ReferenceFixtures.load("cnn")) {
            return SanityCheck.run(m, m.parameters().bind(m.name(), params), trained, copy, ReferenceFixtures.inputs(),
                    ReferenceFixtures.targets(), 7);
        }
    }

    @Test
    void gradientMapsChangeWhenTheWeightsAreRandomised() {
        SanityCheck.Result r = run(new VanillaGradient(), Map.of());
        assertTrue(r.passed(), r.toString());
        assertEquals(List.of("classifier.fc", "features.c3", "features.c2", "features.c1"), SanityCheck.layers(r));
    }

    @Test
    void gradCamOnTheSplitModelIsRandomisedToo() {
        // the features/classifier parts are separate TorchScript copies: randomising must reach them as well
        SanityCheck.Result r = run(GradCam.gradCam(), Map.of());
        assertTrue(r.finalSimilarity() < 0.9, r.toString());
    }

    @Test
    void aMapThatIgnoresTheModelFails() {
        SanityCheck.Result r = run(new InputMagnitude(), Map.of());
        assertFalse(r.passed(), r.toString());
        assertEquals(1.0, r.finalSimilarity(), 1e-9);
    }

    @Test
    void spearmanOfKnownRankings() {
        assertEquals(1.0, SanityCheck.spearman(new double[] {1, 2, 3, 4}, new double[] {10, 20, 30, 40}), 1e-12);
        assertEquals(-1.0, SanityCheck.spearman(new double[] {1, 2, 3, 4}, new double[] {4, 3, 2, 1}), 1e-12);
        // ties get average ranks: x ranks 1.5, 1.5, 3, 4
        assertEquals(0.9486832980505138, SanityCheck.spearman(new double[] {1, 1, 2, 3}, new double[] {1, 2, 3, 4}), 1e-12);
    }
}
