package org.rationale.saliency;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.rationale.error.DomainError;
import org.rationale.explain.InputBatch;
import org.rationale.explain.TabularInput;
import org.rationale.explain.UnsupportedMethodException;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The attribution methods on the features of table models with answers known in advance: on a
 * linear model every method equals w·(x − baseline) per feature (a categorical's one-hot columns
 * summed); on {@code x0·x1 + 2·x2} the Shapley methods split the interaction in halves; the
 * parameters of table and image models are told apart in words. Analytic models only (no engine).
 */
class TabularAttributionTest {

    private static final AttributionMethods METHODS = new AttributionMethods();
    private static final AnalyticModels.TabularLinear LINEAR = new AnalyticModels.TabularLinear(3, 11);

    private static Attribution run(String method, Map<String, String> params, AnalyticModels.TabularLinear model,
                                   InputBatch x, int[] targets) {
        AttributionMethod m = METHODS.get(method);
        return m.attribute(model, x, targets, m.bind(params, 1, x.width(), true));
    }

    private static Attribution run(String method, Map<String, String> params, AnalyticModels.Interaction model,
                                   InputBatch x, int[] targets) {
        AttributionMethod m = METHODS.get(method);
        return m.attribute(model, x, targets, m.bind(params, 1, x.width(), true));
    }

    /** Every method that claims w·(x − mean) on a linear model, with parameters that keep it quick. */
    static Stream<Arguments> linearMethods() {
        return Stream.of(
                Arguments.of("integrated-gradients", Map.of("steps", "4")),
                Arguments.of("kernel-shap", Map.of("samples", "16")),
                Arguments.of("kernel-shap", Map.of("samples", "16", "seed", "5")),
                Arguments.of("shapley-sampling", Map.of("samples", "3")),
                Arguments.of("occlusion", Map.of()));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("linearMethods")
    void onALinearModelEveryFeatureGetsItsWeightTimesItsDistanceFromTheMean(String method, Map<String, String> params) {
        InputBatch x = LINEAR.rows(3, 21);
        int[] targets = {2, 0, 1};
        Attribution a = run(method, params, LINEAR, x, targets);
        float[] mean = LINEAR.table.mean();
        for (int i = 0; i < x.n(); i++) {
            float[] perFeature = LINEAR.table.perFeature(a.sample(i));
            double total = 0;
            for (int g = 0; g < 4; g++) {
                double expected = LINEAR.linearShare(x, i, targets[i], g, mean);
                total += expected;
                assertEquals(expected, perFeature[g], 1e-5, method + " sample " + i + " feature " + g);
            }
            // the numeric features are one column each: the column's own value is exact too
            for (int c : new int[] {0, 1, 5}) {
                assertEquals(LINEAR.weight(targets[i], c) * ((double) x.values()[i * 6 + c] - mean[c]),
                        a.sample(i)[c], 1e-5, method + " column " + c);
            }
            if (METHODS.get(method).satisfiesCompleteness()) {
                assertEquals(total, a.metrics().get(i).get("outputDelta"), 1e-5);
                assertTrue(a.metrics().get(i).get("completenessGap") < 1e-5, a.metrics().get(i).toString());
            }
        }
    }

    @Test
    void integratedGradientsSpreadsTheCategoricalOverItsOwnColumns() {
        InputBatch x = LINEAR.rows(1, 3);
        float[] a = run("integrated-gradients", Map.of("steps", "2"), LINEAR, x, new int[] {1}).values();
        float[] mean = LINEAR.table.mean();
        for (int c = 2; c <= 4; c++) {
            assertEquals(LINEAR.weight(1, c) * ((double) x.values()[c] - mean[c]), a[c], 1e-6, "site column " + c);
        }
    }

    @Test
    void theZerosBaselineMeasuresFromZero() {
        InputBatch x = LINEAR.rows(2, 8);
        int[] targets = {0, 2};
        for (String method : new String[] {"integrated-gradients", "kernel-shap", "shapley-sampling", "occlusion"}) {
            Attribution a = run(method, Map.of("baseline", "zeros"), LINEAR, x, targets);
            for (int i = 0; i < 2; i++) {
                float[] perFeature = LINEAR.table.perFeature(a.sample(i));
                for (int g = 0; g < 4; g++) {
                    assertEquals(LINEAR.linearShare(x, i, targets[i], g, new float[6]), perFeature[g], 1e-5,
                            method + " feature " + g);
                }
            }
        }
    }

    @Test
    void theSampleBaselineAveragesOverTheReferenceRows() {
        InputBatch x = LINEAR.rows(1, 4);
        float[][] rows = LINEAR.table.referenceRows();
        // all five rows when asked for more: the answer is w·(x − mean of the rows)
        float[] rowMean = new float[6];
        for (float[] r : rows) {
            for (int c = 0; c < 6; c++) {
                rowMean[c] += r[c] / rows.length;
            }
        }
        for (String method : new String[] {"integrated-gradients", "kernel-shap", "shapley-sampling", "occlusion"}) {
            Attribution a = run(method, Map.of("baseline", "sample", "references", "50"), LINEAR, x, new int[] {1});
            float[] perFeature = LINEAR.table.perFeature(a.sample(0));
            for (int g = 0; g < 4; g++) {
                assertEquals(LINEAR.linearShare(x, 0, 1, g, rowMean), perFeature[g], 1e-5, method + " feature " + g);
            }
        }
        // two of the five rows, drawn by the seed: repeatable, and another seed draws others
        Map<String, String> two = new HashMap<>(Map.of("baseline", "sample", "references", "2", "seed", "1"));
        float[] first = run("integrated-gradients", two, LINEAR, x, new int[] {1}).values();
        assertArrayEquals(first, run("integrated-gradients", two, LINEAR, x, new int[] {1}).values());
        Attribution ig = run("integrated-gradients", two, LINEAR, x, new int[] {1});
        assertTrue(ig.metrics().get(0).get("completenessGap") < 1e-5, ig.metrics().toString());
    }

    @Test
    void kernelShapIsExactOnALinearModelWithSampledCoalitions() {
        AnalyticModels.TabularLinear wide = new AnalyticModels.TabularLinear(20, 2, 4);
        InputBatch x = wide.rows(2, 6);
        Attribution a = run("kernel-shap", Map.of("samples", "64", "seed", "3"), wide, x, new int[] {1, 0});
        for (int i = 0; i < 2; i++) {
            assertEquals(0.0, a.metrics().get(i).get("exact"));
            for (int c = 0; c < 20; c++) {
                assertEquals(wide.linearShare(x, i, i == 0 ? 1 : 0, c, wide.table.mean()), a.sample(i)[c], 1e-5,
                        "sample " + i + " feature " + c);
            }
        }
    }

    @Test
    void theShapleyMethodsGiveEachFactorHalfTheInteraction() {
        AnalyticModels.Interaction model = new AnalyticModels.Interaction();
        InputBatch x = new InputBatch(2, 1, 1, 3, new float[] {2f, 3f, 1f, -1f, 0.5f, 4f});
        int[] targets = {0, 1};
        for (String method : new String[] {"kernel-shap", "integrated-gradients"}) {
            Attribution a = run(method, Map.of("baseline", "zeros"), model, x, targets);
            // f0 = x0·x1 + 2·x2 from zero: 6 split 3 + 3, and 2; the second row's target is −f0
            assertArrayClose(new float[] {3f, 3f, 2f}, a.sample(0), 1e-5, method);
            assertArrayClose(new float[] {0.25f, 0.25f, -8f}, a.sample(1), 1e-5, method);
        }
        // from the mean (0.5, −1, 0.25): φ0 = ½(x0 − b0)(x1 + b1), φ1 = ½(x1 − b1)(x0 + b0)
        Attribution a = run("kernel-shap", Map.of(), model, x.sample(0), new int[] {0});
        assertArrayClose(new float[] {0.5f * 1.5f * 2f, 0.5f * 4f * 2.5f, 1.5f}, a.values(), 1e-5, "kernel-shap from the mean");
        // sampled orders: each factor's credit is x0·x1 or 0 for each order, so about half, and the sum is exact
        Attribution s = run("shapley-sampling", Map.of("baseline", "zeros", "samples", "1000"), model, x.sample(0),
                new int[] {0});
        assertEquals(3.0, s.values()[0], 0.3);
        assertEquals(3.0, s.values()[1], 0.3);
        assertEquals(2.0, s.values()[2], 1e-6);
        assertEquals(8.0, s.values()[0] + s.values()[1] + s.values()[2], 1e-5);
    }

    @Test
    void occlusionCreditsEachFactorTheWholeInteraction() {
        AnalyticModels.Interaction model = new AnalyticModels.Interaction();
        InputBatch x = new InputBatch(1, 1, 1, 3, new float[] {2f, 3f, 1f});
        assertArrayClose(new float[] {6f, 6f, 2f},
                run("occlusion", Map.of("baseline", "zeros"), model, x, new int[] {0}).values(), 1e-5, "occlusion");
    }

    @Test
    void shapleyMethodsRefuseImageModelsInWords() {
        AnalyticModels.Linear image = new AnalyticModels.Linear(1, 4, 4, 2, 1);
        InputBatch x = AnalyticModels.randomInputs(1, 1, 4, 4, 1);
        for (String method : new String[] {"kernel-shap", "shapley-sampling"}) {
            AttributionMethod m = METHODS.get(method);
            String label = method.equals("kernel-shap") ? "KernelSHAP" : "Shapley value sampling";
            String why = label + " attributes the features of a table model; this model takes images";
            assertEquals(why, m.refusal(true, false).orElseThrow());
            assertTrue(m.refusal(false, true).isEmpty());
            assertEquals(why, assertThrows(UnsupportedMethodException.class, () -> m.bind(Map.of(), 4, 4)).detail());
            assertEquals(why, assertThrows(UnsupportedMethodException.class,
                    () -> m.attribute(image, x, new int[] {0}, m.parameters().bind(method, Map.of()))).detail());
        }
        assertTrue(METHODS.get("integrated-gradients").refusal(false, true).isEmpty());
        assertTrue(METHODS.get("occlusion").refusal(false, true).isEmpty());
    }

    @Test
    void baselinesOfTheOtherKindOfModelAreRefusedInWords() {
        AttributionMethod ig = METHODS.get("integrated-gradients");
        DomainError onImages = assertThrows(DomainError.class, () -> ig.bind(Map.of("baseline", "mean"), 28, 28));
        assertEquals(DomainError.Kind.INVALID, onImages.kind());
        assertEquals("Invalid baseline 'mean' for integrated-gradients", onImages.getMessage());
        assertEquals("baseline 'mean' is for table models; this model takes images; baseline is one of: black, blur, noise",
                onImages.detail());
        DomainError onRows = assertThrows(DomainError.class, () -> ig.bind(Map.of("baseline", "blur"), 1, 6, true));
        assertEquals("baseline 'blur' is for image models; this model takes table rows; baseline is one of: zeros, mean, sample",
                onRows.detail());
        for (String method : new String[] {"kernel-shap", "shapley-sampling", "occlusion"}) {
            DomainError e = assertThrows(DomainError.class,
                    () -> METHODS.get(method).bind(Map.of("baseline", "black"), 1, 6, true));
            assertTrue(e.detail().startsWith("baseline 'black' is for image models"), e.detail());
        }
    }

    @Test
    void defaultsDifferByKindOfModelAndImageDefaultsStayAsTheyWere() {
        AttributionMethod ig = METHODS.get("integrated-gradients");
        assertEquals("baseline=black,seed=0,steps=32", ig.bind(Map.of(), 28, 28).canonical());
        assertEquals("baseline=mean,references=16,seed=0,steps=32", ig.bind(Map.of(), 1, 6, true).canonical());
        assertEquals("baselineValue=0.0,stride=2,window=4", METHODS.get("occlusion").bind(Map.of(), 28, 28).canonical());
        assertEquals("baseline=mean,references=16,seed=0", METHODS.get("occlusion").bind(Map.of(), 1, 6, true).canonical());
        assertEquals("baseline=mean,references=16,samples=512,seed=0",
                METHODS.get("kernel-shap").bind(Map.of(), 1, 6, true).canonical());
        assertEquals("baseline=mean,references=16,samples=25,seed=0",
                METHODS.get("shapley-sampling").bind(Map.of(), 1, 6, true).canonical());
    }

    @ParameterizedTest(name = "{0} {1}={2}")
    @MethodSource("badParameters")
    void badParametersAreA400NamingTheParameter(String method, String name, String value) {
        DomainError e = assertThrows(DomainError.class, () -> METHODS.get(method).bind(Map.of(name, value), 1, 6, true));
        assertEquals(DomainError.Kind.INVALID, e.kind());
        assertTrue(e.getMessage().contains(name) && e.getMessage().contains(method), e.getMessage());
    }

    static Stream<Arguments> badParameters() {
        return Stream.of(
                Arguments.of("kernel-shap", "samples", "0"),
                Arguments.of("kernel-shap", "samples", "15"),
                Arguments.of("kernel-shap", "samples", "20001"),
                Arguments.of("kernel-shap", "samples", "99999999999"),
                Arguments.of("kernel-shap", "samples", "many"),
                Arguments.of("kernel-shap", "baseline", "median"),
                Arguments.of("kernel-shap", "references", "101"),
                Arguments.of("shapley-sampling", "samples", "0"),
                Arguments.of("shapley-sampling", "samples", "1001"),
                Arguments.of("shapley-sampling", "samples", "2.5"),
                Arguments.of("shapley-sampling", "seed", "-1"),
                Arguments.of("occlusion", "baseline", "noise"),
                Arguments.of("occlusion", "window", "4"),
                Arguments.of("integrated-gradients", "references", "0"),
                Arguments.of("integrated-gradients", "baseline", ""));
    }

    @Test
    void tooFewCoalitionsForTheFeaturesOrTooMuchWorkAreRefusedAtTheModel() {
        AnalyticModels.TabularLinear wide = new AnalyticModels.TabularLinear(20, 2, 4);
        InputBatch x = wide.rows(1, 6);
        DomainError few = assertThrows(DomainError.class,
                () -> run("kernel-shap", Map.of("samples", "16"), wide, x, new int[] {0}));
        assertEquals(DomainError.Kind.INVALID, few.kind());
        assertTrue(few.detail().contains("give samples of at least 20"), few.detail());
        // 1000 orders × 20 features × 100 rows > 2,000,000 evaluations; this model has 5 reference rows
        AnalyticModels.TabularLinear many = new AnalyticModels.TabularLinear(20, 2, 4) {
            @Override
            public Optional<TabularInput> tabular() {
                return Optional.of(new TabularInput(wide.table.features(),
                        wide.table.featureOfColumn(), wide.table.mean(), new float[100][20]));
            }
        };
        DomainError work = assertThrows(DomainError.class, () -> run("shapley-sampling",
                Map.of("samples", "1000", "baseline", "sample", "references", "100"), many, wide.rows(1, 1), new int[] {0}));
        assertTrue(work.detail().contains("2000000"), work.detail());
    }

    @Test
    void onAWideRowTheValuesFedToTheModelAreBoundedNotOnlyTheEvaluations() {
        // 2,000 columns: 25 orders × 2,000 features × 16 rows = 800,016 evaluations (under 2,000,000), but
        // 1.6·10⁹ values fed to the model (over 2.56·10⁸): refused before a single evaluation
        AnalyticModels.TabularLinear wide = new AnalyticModels.TabularLinear(2000, 2, 4) {
            @Override
            public float[] logits(InputBatch x) {
                throw new AssertionError("the model must not run");
            }
        };
        AnalyticModels.TabularLinear wideRefs = new AnalyticModels.TabularLinear(2000, 2, 4) {
            @Override
            public Optional<TabularInput> tabular() {
                return Optional.of(new TabularInput(wide.table.features(), wide.table.featureOfColumn(),
                        wide.table.mean(), new float[16][2000]));
            }

            @Override
            public float[] logits(InputBatch x) {
                throw new AssertionError("the model must not run");
            }
        };
        DomainError work = assertThrows(DomainError.class, () -> run("shapley-sampling",
                Map.of("baseline", "sample", "references", "16"), wideRefs, wide.rows(1, 1), new int[] {0}));
        assertEquals(DomainError.Kind.INVALID, work.kind());
        assertTrue(work.detail().contains("1600032000 values a row") && work.detail().contains("2000 input columns"),
                work.detail());
        // with 2 reference rows it fits: 25 × 2,000 × 2 + 2 = 100,002 evaluations, 2·10⁸ values
        TabularBaselines.requireBounded("shapley-sampling", 100_002, 2000, "fits");
    }

    private static void assertArrayClose(float[] expected, float[] actual, double tolerance, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tolerance, what + " [" + i + "]");
        }
    }
}
