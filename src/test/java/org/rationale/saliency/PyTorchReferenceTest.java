package org.rationale.saliency;

import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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

    @ParameterizedTest(name = "{0} logits")
    @CsvSource({"linear", "cnn", "smooth"})
    void logitsMatchPyTorch(String model) {
        assertClose(ReferenceFixtures.map(model, "logits"), MODELS.get(model).logits(ReferenceFixtures.inputs()), 1e-5,
                model + " logits");
    }
}
