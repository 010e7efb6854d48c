package org.rationale.saliency;

import org.rationale.explain.InputBatch;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.rationale.model.InputSpec;
import org.rationale.model.TorchScriptModel;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The TorchScript models and PyTorch reference maps in src/test/resources/fixtures/saliency, made by
 * src/test/python/make_saliency_fixtures.py.
 */
public final class ReferenceFixtures {

    private static JsonNode reference;

    private ReferenceFixtures() {
    }

    public static synchronized JsonNode reference() {
        if (reference == null) {
            try (InputStream in = ReferenceFixtures.class.getResourceAsStream("/fixtures/saliency/reference.json")) {
                reference = new ObjectMapper().readTree(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return reference;
    }

    public static byte[] bytes(String name) {
        return resource("/fixtures/saliency/" + name);
    }

    /** A file of the tabular fixtures ({@code src/test/python/make_tabular_mlp.py}), e.g. {@code tabular-mlp.pt}. */
    public static byte[] tabular(String name) {
        return resource("/fixtures/tabular/" + name);
    }

    /** A model the upload checks are tested with (made by make_upload_fixtures.py). */
    public static byte[] model(String name) {
        return resource("/fixtures/models/" + name);
    }

    private static byte[] resource(String path) {
        try (InputStream in = ReferenceFixtures.class.getResourceAsStream(path)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Inputs are already in model units (x = pixel / 255 with mean 0, std 1). */
    public static InputSpec spec() {
        return new InputSpec("fixture", 1, 28, 28, 1.0 / 255, List.of(0.0), List.of(1.0),
                List.of("c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9"));
    }

    public static TorchScriptModel load(String name) {
        if (name.equals("cnn")) {
            return TorchScriptModel.load(spec(), bytes("cnn.pt"), bytes("cnn-features.pt"), bytes("cnn-classifier.pt"));
        }
        return TorchScriptModel.load(spec(), bytes(name + ".pt"), null, null);
    }

    public static InputBatch inputs() {
        return new InputBatch(4, 1, 28, 28, floats(reference().get("inputs")));
    }

    public static int[] targets() {
        JsonNode t = reference().get("targets");
        int[] out = new int[t.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = t.get(i).asInt();
        }
        return out;
    }

    public static float[] map(String model, String key) {
        return floats(reference().get("models").get(model).get(key));
    }

    static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) array.get(i).asDouble();
        }
        return out;
    }
}
