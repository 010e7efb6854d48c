package org.rationale.saliency;

import org.junit.jupiter.api.Assumptions;
import org.rationale.explain.UnsupportedMethodException;
import org.rationale.explain.ExplainableModel;
import org.rationale.explain.InputBatch;
import org.rationale.error.DomainError;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.rationale.model.TorchScriptModel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One table, every method, three models (analytic linear models in Java on images and on table rows
 * with a categorical feature, and a TorchScript CNN, whose cases run where the engine repeats itself):
 * output shape, batch equals one-by-one, inputs untouched, repeatable, targets honoured, and
 * completeness for the methods that claim it. A new method is one row here.
 */
class AttributionMethodsTest {

    /** The TorchScript cases need an engine that repeats itself; the analytic models' cases run anywhere. */
    private static void assumeRepeatableEngine() {
        Assumptions.assumeTrue(EngineRepeatability.repeatable(), EngineRepeatability.REASON);
    }

    private static final TorchScriptModel CNN = ReferenceFixtures.load("cnn");
    private static final AnalyticModels.Linear LINEAR = new AnalyticModels.Linear(1, 12, 10, 4, 3);
    private static final AnalyticModels.TabularLinear TABULAR = new AnalyticModels.TabularLinear(3, 7);

    /** Method name and the parameters that keep the test quick. */
    static Stream<Arguments> methods() {
        return Stream.of(
                Arguments.of("vanilla-gradient", Map.of()),
                Arguments.of("gradient-x-input", Map.of()),
                Arguments.of("smoothgrad", Map.of("samples", "4", "noise", "0.1", "seed", "9")),
                Arguments.of("smoothgrad", Map.of("samples", "2", "method", "integrated-gradients", "seed", "1")),
                Arguments.of("integrated-gradients", Map.of("steps", "8")),
                Arguments.of("integrated-gradients", Map.of("steps", "8", "baseline", "blur")),
                Arguments.of("integrated-gradients", Map.of("steps", "8", "baseline", "noise", "seed", "4")),
                Arguments.of("grad-cam", Map.of()),
                Arguments.of("grad-cam-plus-plus", Map.of()),
                Arguments.of("occlusion", Map.of("window", "6", "stride", "4")),
                Arguments.of("rise", Map.of("samples", "40", "seed", "2")));
    }

    /** Methods on a table model (rows of 1×1×F with a categorical feature) and the parameters that keep the test quick. */
    static Stream<Arguments> tabularMethods() {
        return Stream.of(
                Arguments.of("vanilla-gradient", Map.of()),
                Arguments.of("gradient-x-input", Map.of()),
                Arguments.of("integrated-gradients", Map.of("steps", "8")),
                Arguments.of("integrated-gradients", Map.of("steps", "8", "baseline", "zeros")),
                Arguments.of("integrated-gradients", Map.of("steps", "8", "baseline", "sample", "references", "3", "seed", "2")),
                Arguments.of("occlusion", Map.of()),
                Arguments.of("occlusion", Map.of("baseline", "sample", "references", "2")),
                Arguments.of("kernel-shap", Map.of("samples", "16")),
                Arguments.of("kernel-shap", Map.of("samples", "16", "baseline", "sample", "references", "3", "seed", "1")),
                Arguments.of("shapley-sampling", Map.of("samples", "5", "seed", "3")),
                Arguments.of("shapley-sampling", Map.of("samples", "2", "baseline", "zeros")));
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        methods().forEach(m -> {
            out.add(Arguments.of(m.get()[0], m.get()[1], "cnn"));
            if (!((String) m.get()[0]).startsWith("grad-cam")) {
                out.add(Arguments.of(m.get()[0], m.get()[1], "linear"));
            }
        });
        tabularMethods().forEach(m -> out.add(Arguments.of(m.get()[0], m.get()[1], "tabular")));
        return out.stream();
    }

    @AfterAll
    static void close() {
        CNN.close();
    }

    private static ExplainableModel model(String name) {
        return name.equals("cnn") ? CNN : name.equals("tabular") ? TABULAR : LINEAR;
    }

    private static InputBatch inputs(String model) {
        if (model.equals("tabular")) {
            return TABULAR.rows(3, 5);
        }
        return model.equals("cnn") ? ReferenceFixtures.inputs() : AnalyticModels.randomInputs(3, 1, 12, 10, 5);
    }

    private static Attribution run(String method, Map<String, String> params, ExplainableModel model, InputBatch x,
                                   int[] targets) {
        AttributionMethod m = new AttributionMethods().get(method);
        return m.attribute(model, x, targets, m.parameters(model.tabular().isPresent()).bind(method, params));
    }

    @ParameterizedTest(name = "{0} {1} on {2}")
    @MethodSource("cases")
    void shapeBatchSingleMutationDeterminismTargets(String method, Map<String, String> params, String modelName) {
        if (modelName.equals("cnn")) {
            assumeRepeatableEngine();
        }
        ExplainableModel model = model(modelName);
        InputBatch probe = inputs(modelName);
        int[] probeTargets = new int[probe.n()];
        EngineRepeatability.checkOrSkip(() -> checkMethod(method, params, modelName),
                () -> run(method, params, model, probe, probeTargets).values());
    }

    private void checkMethod(String method, Map<String, String> params, String modelName) {
        ExplainableModel model = model(modelName);
        InputBatch x = inputs(modelName);
        float[] before = x.values().clone();
        int[] targets = new int[x.n()];
        for (int i = 0; i < x.n(); i++) {
            targets[i] = (i + 1) % model.classes();
        }

        Attribution batch = run(method, params, model, x, targets);
        assertEquals(x.values().length, batch.values().length, "shape");
        assertEquals(x.n(), batch.metrics().size(), "one metrics entry per sample");
        assertArrayEquals(before, x.values(), "inputs were mutated");
        assertTrue(finite(batch.values()), "non-finite attributions");
        if (!modelName.equals("cnn") && new AttributionMethods().get(method).satisfiesCompleteness()) {
            // analytic models: linear in the inputs, so the claimed completeness holds to rounding
            for (Map<String, Double> m : batch.metrics()) {
                assertTrue(m.get("completenessGapRelative") < 1e-4, "completeness " + m);
            }
        }

        for (int i = 0; i < x.n(); i++) {
            Attribution single = run(method, params, model, x.sample(i), new int[] {targets[i]});
            PyTorchReferenceTest.assertClose(single.values(), batch.sample(i), 1e-4, method + " sample " + i + " batch vs single");
        }

        assertArrayEquals(batch.values(), run(method, params, model, x, targets).values(), "not repeatable");

        int[] other = targets.clone();
        other[0] = (targets[0] + 1) % model.classes();
        float[] changed = run(method, params, model, x, other).sample(0);
        assertFalse(Arrays.equals(batch.sample(0), changed), "target was ignored");
    }

    @Test
    void linearGradientIsTheWeightVector() {
        InputBatch x = AnalyticModels.randomInputs(2, 1, 12, 10, 1);
        float[] g = run("vanilla-gradient", Map.of(), LINEAR, x, new int[] {2, 0}).values();
        for (int p = 0; p < 120; p++) {
            assertEquals(LINEAR.weight(2, p), g[p], 0f);
            assertEquals(LINEAR.weight(0, p), g[120 + p], 0f);
        }
    }

    @Test
    void linearIntegratedGradientsEqualInputMinusBaselineTimesWeights() {
        InputBatch x = AnalyticModels.randomInputs(2, 1, 12, 10, 2);
        Attribution a = run("integrated-gradients", Map.of("steps", "3"), LINEAR, x, new int[] {1, 3});
        for (int p = 0; p < 120; p++) {
            assertEquals(x.values()[p] * LINEAR.weight(1, p), a.values()[p], 1e-6);
            assertEquals(x.values()[120 + p] * LINEAR.weight(3, p), a.values()[120 + p], 1e-6);
        }
        assertTrue(a.metrics().get(0).get("completenessGapRelative") < 1e-5);
    }

    @Test
    void integratedGradientsSatisfiesCompletenessWithinOnePercentAt64StepsOnTheSmoothCnn() {
        assumeRepeatableEngine();
        try (TorchScriptModel smooth = ReferenceFixtures.load("smooth")) {
            EngineRepeatability.checkOrSkip(() -> completeness(smooth),
                    () -> run("vanilla-gradient", Map.of(), smooth, ReferenceFixtures.inputs(), ReferenceFixtures.targets())
                            .values());
        }
    }

    private void completeness(TorchScriptModel smooth) {
        Attribution a = run("integrated-gradients", Map.of("steps", "64"), smooth, ReferenceFixtures.inputs(),
                ReferenceFixtures.targets());
        for (Map<String, Double> m : a.metrics()) {
            assertTrue(m.get("completenessGapRelative") < 0.01, "gap " + m);
        }
    }

    @Test
    void integratedGradientsCompletenessGapShrinksWithStepsOnTheReluCnn() {
        assumeRepeatableEngine();
        EngineRepeatability.checkOrSkip(AttributionMethodsTest::gapShrinks,
                () -> run("vanilla-gradient", Map.of(), CNN, ReferenceFixtures.inputs(), ReferenceFixtures.targets()).values());
    }

    private static void gapShrinks() {
        // an untrained ReLU net has kinks on the path and tiny output deltas: the gap is reported, and must shrink
        double[] gaps = new double[2];
        int k = 0;
        for (String steps : new String[] {"8", "128"}) {
            Attribution a = run("integrated-gradients", Map.of("steps", steps), CNN, ReferenceFixtures.inputs(),
                    ReferenceFixtures.targets());
            gaps[k++] = a.metrics().stream().mapToDouble(m -> m.get("completenessGap")).sum();
        }
        assertTrue(gaps[1] < gaps[0] / 2, "gap at 8 steps " + gaps[0] + ", at 128 steps " + gaps[1]);
    }

    @Test
    void gradientsAgreeWithCentralFiniteDifferencesOnASmoothModel() {
        assumeRepeatableEngine();
        try (TorchScriptModel smooth = ReferenceFixtures.load("smooth")) {
            InputBatch x = ReferenceFixtures.inputs().sample(1);
            int target = 3;
            float[] g = run("vanilla-gradient", Map.of(), smooth, x, new int[] {target}).values();
            double eps = 1e-2;
            for (int p : new int[] {0, 97, 300, 405, 783}) {
                float[] plus = x.values().clone();
                float[] minus = x.values().clone();
                plus[p] += eps;
                minus[p] -= eps;
                double fd = (smooth.logits(x.with(1, plus))[target] - smooth.logits(x.with(1, minus))[target]) / (2 * eps);
                assertEquals(fd, g[p], 2e-3 + 0.02 * Math.abs(fd), "pixel " + p);
            }
        }
    }

    @Test
    void occlusionOfALinearModelMatchesHandComputedDrops() {
        AnalyticModels.Linear m = new AnalyticModels.Linear(1, 4, 4, 2, 8);
        InputBatch x = AnalyticModels.randomInputs(1, 1, 4, 4, 9);
        // 2x2 windows, stride 2, baseline black (0): every pixel is covered by exactly one window,
        // whose drop is the sum of w·x over that window
        float[] a = run("occlusion", Map.of("window", "2", "stride", "2"), m, x, new int[] {1}).values();
        for (int y = 0; y < 4; y++) {
            for (int xx = 0; xx < 4; xx++) {
                double drop = 0;
                for (int dy = 0; dy < 2; dy++) {
                    for (int dx = 0; dx < 2; dx++) {
                        int p = (y / 2 * 2 + dy) * 4 + (xx / 2 * 2 + dx);
                        drop += m.weight(1, p) * x.values()[p];
                    }
                }
                assertEquals(drop, a[y * 4 + xx], 1e-5, "pixel " + xx + "," + y);
            }
        }
    }

    @Test
    void gradCamOfHandMadeActivationsIsTheReluOfTheWeightedSum() {
        // two 2x2 feature maps; weights are the mean gradients 1 and -1
        ExplainableModel fake = new AnalyticModels.Linear(1, 2, 2, 2, 1) {
            @Override public boolean supportsCam() { return true; }
            @Override public CamResult camGradient(InputBatch x, int[] targets) {
                float[] a = {1, 2, 3, 4, 4, 1, 1, 1};
                float[] g = {1, 1, 1, 1, -1, -1, -1, -1};
                return new CamResult(2, 2, 2, a, g, new float[2]);
            }
        };
        float[] cam = run("grad-cam", Map.of(), fake, AnalyticModels.randomInputs(1, 1, 2, 2, 1), new int[] {0}).values();
        assertArrayEquals(new float[] {0, 1, 2, 3}, cam, 1e-6f);
    }

    @Test
    void guidedBackpropSaysWhyItCannotRun() {
        assumeRepeatableEngine();
        var e = assertThrows(UnsupportedMethodException.class,
                () -> run("guided-backprop", Map.of(), CNN, ReferenceFixtures.inputs(), ReferenceFixtures.targets()));
        assertTrue(e.detail().contains("backward hooks"), e.detail());
    }

    @Test
    void camMethodsSayWhyWithoutAFeatureSplit() {
        var e = assertThrows(UnsupportedMethodException.class,
                () -> run("grad-cam", Map.of(), LINEAR, AnalyticModels.randomInputs(1, 1, 12, 10, 1), new int[] {0}));
        assertTrue(e.detail().contains("two traced parts"), e.detail());
    }

    @Test
    void rejectsUnknownParametersAndOutOfRangeValues() {
        AttributionMethod ig = new AttributionMethods().get("integrated-gradients");
        var unknown = assertThrows(DomainError.class, () -> ig.parameters().bind(ig.name(), Map.of("stepz", "3")));
        assertEquals(DomainError.Kind.INVALID, unknown.kind());
        assertTrue(unknown.detail().contains("steps"));
        assertThrows(DomainError.class, () -> ig.parameters().bind(ig.name(), Map.of("steps", "0")));
        assertThrows(DomainError.class, () -> ig.parameters().bind(ig.name(), Map.of("baseline", "white")));
        assertThrows(DomainError.class, () -> new AttributionMethods().get("lime"));
        assertEquals("baseline=black,seed=0,steps=32", ig.parameters().bind(ig.name(), Map.of()).canonical());
    }

    private static boolean finite(float[] v) {
        for (float f : v) {
            if (!Float.isFinite(f)) {
                return false;
            }
        }
        return true;
    }
}
