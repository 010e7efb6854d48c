package org.rationale.saliency;

import org.rationale.config.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.rationale.explain.InputBatch;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A computed map ready to store: its shape as stored (one plane unless every channel was asked for,
 * see {@link MapChannels}), its float16 encoding, the values as stored (rounded to float16), their
 * minimum, maximum and sum, its metrics as JSON, and why it is suspect when its worker's self-check
 * failed on its batch (null otherwise).
 */
record NewMap(MapKey key, int channels, int height, int width, byte[] data, float[] kept, double min, double max,
              double sum, String metrics, String selfCheck) {

    private static final ObjectMapper JSON = Json.MAPPER;

    /**
     * Reduces the raw values of a map of the given shape as {@code form} says, encodes them and adds
     * the stored values' min, max and sum to its metrics.
     */
    static NewMap of(MapKey key, InputBatch shape, float[] values, Map<String, Double> metrics, MapChannels form) {
        int pixels = shape.height() * shape.width();
        float[] stored = form.stored(values, shape.channels(), pixels);
        byte[] data = MapEncoding.encode(stored);
        float[] kept = MapEncoding.rounded(stored);
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        for (float f : kept) {
            min = Math.min(min, f);
            max = Math.max(max, f);
            sum += f;
        }
        Map<String, Double> all = new TreeMap<>(metrics);
        all.putAll(Map.of("min", min, "max", max, "sum", sum));
        return new NewMap(key, stored.length / pixels, shape.height(), shape.width(), data, kept, all.get("min"),
                all.get("max"), all.get("sum"), writeMetrics(all), null);
    }

    /** A table row's map: one value per feature (F, a categorical column's one-hot columns summed), stored as 1×1×F. */
    static NewMap ofRow(MapKey key, float[] perFeature, Map<String, Double> metrics) {
        return of(key, new InputBatch(1, 1, 1, perFeature.length, perFeature), perFeature, metrics, MapChannels.SUMMED);
    }

    /** This map flagged as computed by a worker whose self-check failed, saying why. */
    NewMap flagged(String why) {
        return new NewMap(key, channels, height, width, data, kept, min, max, sum, metrics, why);
    }

    /** Metrics as stored: JSON, sorted by name, a non-finite value as null. */
    static String writeMetrics(Map<String, Double> m) {
        try {
            Map<String, Double> finite = new TreeMap<>();
            m.forEach((k, v) -> finite.put(k, Double.isFinite(v) ? v : null));
            return JSON.writeValueAsString(finite);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stored metrics read back. */
    static Map<String, Double> readMetrics(String json) {
        try {
            return JSON.readValue(json, new TypeReference<LinkedHashMap<String, Double>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
