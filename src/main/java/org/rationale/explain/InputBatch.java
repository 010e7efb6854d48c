package org.rationale.explain;

/**
 * A batch of model inputs, N×C×H×W float32 in row-major order, already preprocessed: the values
 * the model's first layer sees. Attributions are taken with respect to these values (as in Captum).
 */
public record InputBatch(int n, int channels, int height, int width, float[] values) {

    public InputBatch {
        if (n < 0 || channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("invalid shape " + n + "x" + channels + "x" + height + "x" + width);
        }
        if (values.length != n * channels * height * width) {
            throw new IllegalArgumentException("values has " + values.length + " floats, shape needs "
                    + (n * channels * height * width));
        }
    }

    /** Values of one sample. */
    public int sampleSize() {
        return channels * height * width;
    }

    /** A batch of the same shape with other values. */
    public InputBatch with(int n, float[] values) {
        return new InputBatch(n, channels, height, width, values);
    }

    /** Sample {@code i} alone. */
    public InputBatch sample(int i) {
        float[] v = new float[sampleSize()];
        System.arraycopy(values, i * sampleSize(), v, 0, v.length);
        return with(1, v);
    }
}
