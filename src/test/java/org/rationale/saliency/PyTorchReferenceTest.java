package org.rationale.saliency;

import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rationale.explain.InputBatch;
import org.rationale.model.TorchScriptModel;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The platform's maps on TorchScript fixtures against PyTorch autograd, to 1e-4 relative. */
class PyTorchReferenceTest {

    private static final Map<String, TorchScriptModel> MODELS = new HashMap<>();

    @BeforeAll
    static void load() {
        System.setProperty("ai.djl.offline", "true");
        Assumptions.assumeTrue(EngineRepeatability.repeatable(), EngineRepeatability.REASON);
        for (String m : new String[] {"linear", "cnn", "smooth"}) {
            MODELS.put(m, ReferenceFixtures.load(m));
        }
    }

    @AfterAll
    static void close() {
        MODELS.values().forEach(TorchScriptModel::close);
    }

    /** max |a − b| relative to max |b|: robust where single values are near zero. */
    static void assertClose(float[] expected, float[] actual, double tolerance, String what) {
        assertTrue(expected.length == actual.length, what + ": length " + actual.length + " != " + expected.length);
        double scale = 0;
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
        }
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs(expected[i] - actual[i]);
            if (d > worst) {
                worst = d;
                at = i;
            }
        }
        assertTrue(worst <= tolerance * Math.max(scale, 1e-12),
                what + ": worst difference " + worst + " at " + at + " (scale " + scale + ")");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "linear, vanilla-gradient", "linear, gradient-x-input", "linear, integrated-gradients-16",
        "cnn, vanilla-gradient", "cnn, gradient-x-input", "cnn, integrated-gradients-16",
        "smooth, vanilla-gradient", "smooth, gradient-x-input", "smooth, integrated-gradients-16",
        "cnn, grad-cam"})
    void matchesPyTorchAutograd(String model, String key) {
        String method = key.equals("integrated-gradients-16") ? "integrated-gradients" : key;
        AttributionMethod m = new AttributionMethods().get(method);
        Map<String, String> params = method.equals("integrated-gradients") ? Map.of("steps", "16") : Map.of();
        Supplier<float[]> call = () -> m.attribute(MODELS.get(model), ReferenceFixtures.inputs(),
                ReferenceFixtures.targets(), m.parameters().bind(method, params)).values();
        float[] values = call.get();
        EngineRepeatability.checkOrSkip(() -> assertClose(ReferenceFixtures.map(model, key), values, 1e-4, model + " " + key),
                call);
    }

    /**
     * What is stored of each map, one plane a sample ({@link MapChannels}), against the reference
     * reduced alike (its channel sum, or the one plane a spatial method repeats), within float16 rounding.
     */
    @ParameterizedTest(name = "{0} {1} stored")
    @CsvSource({
        "cnn, vanilla-gradient", "cnn, gradient-x-input", "cnn, integrated-gradients-16", "smooth, integrated-gradients-16",
        "cnn, grad-cam"})
    void storedPlaneMatchesPyTorchWithinFloat16Rounding(String model, String key) {
        String method = key.equals("integrated-gradients-16") ? "integrated-gradients" : key;
        AttributionMethod m = new AttributionMethods().get(method);
        InputBatch x = ReferenceFixtures.inputs();
        MethodParameters params = m.bind(method.equals("integrated-gradients") ? Map.of("steps", "16") : Map.of(),
                x.height(), x.width());
        Supplier<float[]> call = () -> {
            Attribution a = m.attribute(MODELS.get(model), x, ReferenceFixtures.targets(), params);
            float[] planes = new float[x.n() * x.height() * x.width()];
            for (int i = 0; i < x.n(); i++) {
                NewMap stored = NewMap.of(new MapKey(i, 1, method, params.canonical(), 0), x.with(1, a.sample(i)),
                        a.sample(i), Map.of(), MapChannels.of(m, params));
                System.arraycopy(stored.kept(), 0, planes, i * stored.kept().length, stored.kept().length);
            }
            return planes;
        };
        float[] reference = reduced(ReferenceFixtures.map(model, key), x, m.repeatsOverChannels());
        float[] values = call.get();
        EngineRepeatability.checkOrSkip(() -> assertClose(reference, values, 1e-4 + 0x1p-11, model + " " + key + " stored"),
                call);
    }

    /** The reference reduced per sample as maps are stored: the first channel of a repeated plane, else the channel sum. */
    private static float[] reduced(float[] reference, InputBatch x, boolean repeated) {
        int hw = x.height() * x.width();
        float[] out = new float[x.n() * hw];
        for (int i = 0; i < x.n(); i++) {
            for (int c = 0; c < (repeated ? 1 : x.channels()); c++) {
                for (int p = 0; p < hw; p++) {
                    out[i * hw + p] += reference[(i * x.channels() + c) * hw + p];
                }
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0} logits")
    @CsvSource({"linear", "cnn", "smooth"})
    void logitsMatchPyTorch(String model) {
        assertClose(ReferenceFixtures.map(model, "logits"), MODELS.get(model).logits(ReferenceFixtures.inputs()), 1e-5,
                model + " logits");
    }
}
