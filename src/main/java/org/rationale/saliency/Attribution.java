package org.rationale.saliency;

import java.util.Collections;
import org.rationale.explain.InputBatch;
import java.util.List;
import java.util.Map;

/**
 * Raw attributions, N×C×H×W like the inputs, with per-sample numbers the method reports about
 * itself (for instance the completeness gap of Integrated Gradients).
 */
public record Attribution(InputBatch shape, float[] values, List<Map<String, Double>> metrics) {

    /** Attributions of a method that reports nothing about itself. */
    public static Attribution withoutMetrics(InputBatch shape, float[] values) {
        return new Attribution(shape, values, Collections.nCopies(shape.n(), Map.of()));
    }

    public float[] sample(int i) {
        int size = shape.sampleSize();
        float[] v = new float[size];
        System.arraycopy(values, i * size, v, 0, size);
        return v;
    }
}
