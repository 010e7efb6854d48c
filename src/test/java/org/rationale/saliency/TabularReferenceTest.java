package org.rationale.saliency;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rationale.explain.InputBatch;
import org.rationale.explain.TabularInput;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The feature attributions of a small table model (7 encoded columns, 5 features, an MLP 7→8→2)
 * against PyTorch: autograd for gradients and integrated gradients, an exact enumeration of the
 * Shapley values for KernelSHAP (which enumerates all coalitions of 5 features at its default
 * samples) and for Shapley value sampling, and the feature ablation. The model is the fixture's
 * weights in {@link AnalyticModels.Mlp}; src/test/python/tabular_references.py wrote
 * src/test/resources/fixtures/saliency/tabular.json.
 */
class TabularReferenceTest {

    private static JsonNode reference;
    private static AnalyticModels.Mlp model;
    private static InputBatch inputs;
    private static int[] targets;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = TabularReferenceTest.class.getResourceAsStream("/fixtures/saliency/tabular.json")) {
            reference = new ObjectMapper().readTree(in);
        }
        List<String> features = new ArrayList<>();
        reference.get("features").forEach(f -> features.add(f.asText()));
        int[] featureOfColumn = ints(reference.get("featureOfColumn"));
        JsonNode refs = reference.get("referenceRows");
        float[][] rows = new float[refs.size()][];
        for (int r = 0; r < rows.length; r++) {
            rows[r] = ReferenceFixtures.floats(refs.get(r));
        }
        TabularInput table = new TabularInput(features, featureOfColumn, ReferenceFixtures.floats(reference.get("mean")), rows);
        model = new AnalyticModels.Mlp(matrix(reference.get("w1")), vector(reference.get("b1")), matrix(reference.get("w2")),
                vector(reference.get("b2")), table);
        JsonNode in = reference.get("inputs");
        float[] values = new float[in.size() * featureOfColumn.length];
        for (int i = 0; i < in.size(); i++) {
            float[] row = ReferenceFixtures.floats(in.get(i));
            System.arraycopy(row, 0, values, i * row.length, row.length);
        }
        inputs = new InputBatch(in.size(), 1, 1, featureOfColumn.length, values);
        targets = ints(reference.get("targets"));
    }

    @Test
    void logitsAreThePyTorchModels() {
        PyTorchReferenceTest.assertClose(ReferenceFixtures.floats(reference.get("logits")), model.logits(inputs), 1e-5,
                "logits");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "vanilla-gradient, '', gradient",
        "integrated-gradients, baseline=zeros, ig32_zeros",
        "integrated-gradients, baseline=mean, ig32_mean"})
    void perColumnAttributionsMatchAutograd(String method, String params, String key) {
        PyTorchReferenceTest.assertClose(ReferenceFixtures.floats(reference.get(key)), attribute(method, params), 1e-4,
                method + " " + params);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "kernel-shap, baseline=zeros, shapley_zeros, 1e-4",
        "kernel-shap, baseline=mean, shapley_mean, 1e-4",
        "kernel-shap, baseline=sample, shapley_sample, 1e-4",
        "occlusion, baseline=mean, ablation_mean, 1e-4",
        "shapley-sampling, baseline=mean;samples=1000, shapley_mean, 0.05"})
    void perFeatureAttributionsMatchTheEnumeration(String method, String params, String key, double tolerance) {
        float[] columns = attribute(method, params);
        int f = inputs.width();
        int players = model.table.features().size();
        float[] perFeature = new float[inputs.n() * players];
        for (int i = 0; i < inputs.n(); i++) {
            float[] one = new float[f];
            System.arraycopy(columns, i * f, one, 0, f);
            System.arraycopy(model.table.perFeature(one), 0, perFeature, i * players, players);
        }
        PyTorchReferenceTest.assertClose(ReferenceFixtures.floats(reference.get(key)), perFeature, tolerance,
                method + " " + params);
    }

    @Test
    void kernelShapEnumeratedEveryCoalitionAndSumsToTheOutputChange() {
        AttributionMethod m = new AttributionMethods().get("kernel-shap");
        Attribution a = m.attribute(model, inputs, targets, m.bind(Map.of(), 1, inputs.width(), true));
        for (Map<String, Double> metrics : a.metrics()) {
            assertTrue(metrics.get("exact") == 1.0 && metrics.get("coalitions") == 30.0, metrics.toString());
            assertTrue(metrics.get("completenessGap") < 1e-5, metrics.toString());
        }
    }

    private static float[] attribute(String method, String params) {
        AttributionMethod m = new AttributionMethods().get(method);
        Map<String, String> given = new HashMap<>();
        for (String pair : params.isBlank() ? new String[0] : params.split(";")) {
            String[] kv = pair.split("=");
            given.put(kv[0], kv[1]);
        }
        return m.attribute(model, inputs, targets, m.bind(given, 1, inputs.width(), true)).values();
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    private static double[] vector(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }

    private static double[][] matrix(JsonNode rows) {
        double[][] out = new double[rows.size()][];
        for (int r = 0; r < out.length; r++) {
            out[r] = vector(rows.get(r));
        }
        return out;
    }
}
