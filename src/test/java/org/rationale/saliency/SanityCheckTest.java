package org.rationale.saliency;

import org.rationale.explain.ExplainableModel;
import org.rationale.explain.RandomizableModel;
import org.rationale.explain.InputBatch;
import org.junit.jupiter.api.Test;
import org.rationale.model.TorchScriptModel;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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

    /**
     * A model whose features are its input (one 4×4 map) and whose logits are w_k · sum(features)
     * with every trained w_k negative: each Grad-CAM weight is negative, so on inputs in [0, 1] the
     * CAM after its ReLU is zero everywhere. Randomising draws new w_k.
     */
    static class DeadCam implements RandomizableModel {
        final float[] w;

        DeadCam() {
            this(-1f, -2f, -0.5f);
        }

        DeadCam(float... w) {
            this.w = w;
        }

        @Override public int channels() { return 1; }
        @Override public int height() { return 4; }
        @Override public int width() { return 4; }
        @Override public int classes() { return w.length; }
        @Override public float[] black() { return new float[] {0f}; }
        @Override public float[] white() { return new float[] {1f}; }
        @Override public boolean supportsCam() { return true; }

        @Override
        public float[] logits(InputBatch x) {
            float[] out = new float[x.n() * w.length];
            for (int i = 0; i < x.n(); i++) {
                double sum = 0;
                for (int p = 0; p < x.sampleSize(); p++) {
                    sum += x.values()[i * x.sampleSize() + p];
                }
                for (int k = 0; k < w.length; k++) {
                    out[i * w.length + k] = (float) (w[k] * sum);
                }
            }
            return out;
        }

        @Override
        public GradientResult gradient(InputBatch x, int[] targets) {
            float[] g = new float[x.values().length];
            for (int i = 0; i < x.n(); i++) {
                Arrays.fill(g, i * x.sampleSize(), (i + 1) * x.sampleSize(), w[targets[i]]);
            }
            return new GradientResult(logits(x), g);
        }

        @Override
        public CamResult camGradient(InputBatch x, int[] targets) {
            GradientResult r = gradient(x, targets);
            return new CamResult(1, 4, 4, x.values().clone(), r.gradient(), r.logits());
        }

        @Override public List<String> layersFromTop() { return List.of("head"); }

        @Override
        public void randomize(String layer, long seed) {
            Random r = new Random(seed);
            for (int k = 0; k < w.length; k++) {
                w[k] = (float) r.nextGaussian();
            }
        }
    }

    @Test
    void anAllZeroGradCamIsInconclusiveNotPassed() {
        GradCam cam = GradCam.gradCam();
        InputBatch x = AnalyticModels.randomInputs(5, 1, 4, 4, 3);
        SanityCheck.Result r = SanityCheck.run(cam, cam.parameters().bind(cam.name(), Map.of()), new DeadCam(),
                new DeadCam(), x, new int[] {0, 1, 2, 0, 1}, 11);
        assertFalse(r.passed(), r.toString());
        assertTrue(r.inconclusive(), r.toString());
        assertEquals(SanityCheck.INCONCLUSIVE, r.verdict());
        assertTrue(r.noSignal().startsWith("5 of 5 maps under the trained model have no signal (every value is zero)"),
                r.noSignal());
    }

    /** {@link DeadCam} with positive trained weights (CAMs with signal) that randomising makes all negative (dead CAMs). */
    static final class DyingCam extends DeadCam {
        DyingCam() {
            super(1f, 2f, 0.5f);
        }

        @Override
        public void randomize(String layer, long seed) {
            Random r = new Random(seed);
            for (int k = 0; k < w.length; k++) {
                w[k] = -0.1f - (float) Math.abs(r.nextGaussian());
            }
        }
    }

    @Test
    void mapsThatDieOnlyUnderRandomisedWeightsDependOnTheWeightsAndPass() {
        GradCam cam = GradCam.gradCam();
        InputBatch x = AnalyticModels.randomInputs(5, 1, 4, 4, 3);
        SanityCheck.Result r = SanityCheck.run(cam, cam.parameters().bind(cam.name(), Map.of()), new DyingCam(),
                new DyingCam(), x, new int[] {0, 1, 2, 0, 1}, 11);
        assertEquals(SanityCheck.PASSED, r.verdict(), r.toString());
        assertTrue(r.passed(), r.toString());
        assertNull(r.noSignal());
        assertEquals(0.0, r.finalSimilarity(), 1e-9, r.toString());
    }

    @Test
    void aStoredPassWhoseEveryCorrelationWasUndefinedReadsAsInconclusive() {
        // a result stored before verdicts existed: the all-zero Grad-CAM of the demo "passed" with 0.00
        SanityCheck.Result old = new SanityCheck.Result("grad-cam", Map.of("fc", 0.0, "c1", 0.0), 0.0, true, 8, 0.5,
                null, null);
        assertTrue(old.inconclusive());
        assertFalse(old.passed());
        SanityCheck.Result fine = new SanityCheck.Result("vanilla-gradient", Map.of("fc", 0.1), 0.1, true, 8, 0.5,
                null, null);
        assertEquals(SanityCheck.PASSED, fine.verdict());
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
        assertEquals(SanityCheck.PASSED, r.verdict());
        assertNull(r.noSignal());
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
