package org.rationale.saliency;

import java.util.Arrays;
import org.rationale.explain.ExplainableModel;
import org.rationale.explain.InputBatch;
import java.util.Random;

/** Models whose gradients are known in closed form, for tests that know the answer. */
final class AnalyticModels {

    private AnalyticModels() {
    }

    /** logits = W · x + b over C×H×W inputs in [0, 1]. */
    static class Linear implements ExplainableModel {
        final int c;
        final int h;
        final int w;
        final int classes;
        final float[] weights;
        final float[] bias;

        Linear(int c, int h, int w, int classes, long seed) {
            this.c = c;
            this.h = h;
            this.w = w;
            this.classes = classes;
            Random r = new Random(seed);
            weights = new float[classes * c * h * w];
            bias = new float[classes];
            for (int i = 0; i < weights.length; i++) {
                weights[i] = (float) r.nextGaussian();
            }
            for (int i = 0; i < classes; i++) {
                bias[i] = (float) r.nextGaussian();
            }
        }

        @Override public int channels() { return c; }
        @Override public int height() { return h; }
        @Override public int width() { return w; }
        @Override public int classes() { return classes; }
        @Override public float[] black() { return new float[c]; }
        @Override public float[] white() { float[] v = new float[c]; Arrays.fill(v, 1f); return v; }
        @Override public int maxBatch() { return 7; } // odd on purpose: chunking must not matter

        @Override
        public float[] logits(InputBatch x) {
            int size = x.sampleSize();
            float[] out = new float[x.n() * classes];
            for (int i = 0; i < x.n(); i++) {
                for (int k = 0; k < classes; k++) {
                    double s = bias[k];
                    for (int p = 0; p < size; p++) {
                        s += (double) weights[k * size + p] * x.values()[i * size + p];
                    }
                    out[i * classes + k] = (float) s;
                }
            }
            return out;
        }

        @Override
        public GradientResult gradient(InputBatch x, int[] targets) {
            int size = x.sampleSize();
            float[] g = new float[x.values().length];
            for (int i = 0; i < x.n(); i++) {
                System.arraycopy(weights, targets[i] * size, g, i * size, size);
            }
            return new GradientResult(logits(x), g);
        }

        float weight(int target, int p) {
            return weights[target * c * h * w + p];
        }
    }

    /**
     * Two classes decided by the mean of the watched cells (all channels): class 0 when it is above
     * 0.5, class 1 below, logits ±gain·(mean − 0.5). Every other cell is ignored.
     */
    static class Watching implements ExplainableModel {
        final int c;
        final int h;
        final int w;
        final byte[] watched;
        final double gain;

        Watching(int c, int h, int w, byte[] watched, double gain) {
            this.c = c;
            this.h = h;
            this.w = w;
            this.watched = watched;
            this.gain = gain;
        }

        @Override public int channels() { return c; }
        @Override public int height() { return h; }
        @Override public int width() { return w; }
        @Override public int classes() { return 2; }
        @Override public float[] black() { return new float[c]; }
        @Override public float[] white() { float[] v = new float[c]; Arrays.fill(v, 1f); return v; }
        @Override public int maxBatch() { return 3; } // small on purpose: chunking must not matter

        @Override
        public float[] logits(InputBatch x) {
            int size = x.sampleSize();
            int hw = h * w;
            float[] out = new float[x.n() * 2];
            for (int i = 0; i < x.n(); i++) {
                double sum = 0;
                int cells = 0;
                for (int ch = 0; ch < c; ch++) {
                    for (int p = 0; p < hw; p++) {
                        if (watched[p] != 0) {
                            sum += x.values()[i * size + ch * hw + p];
                            cells++;
                        }
                    }
                }
                double z = gain * (sum / cells - 0.5);
                out[2 * i] = (float) z;
                out[2 * i + 1] = (float) -z;
            }
            return out;
        }

        @Override
        public GradientResult gradient(InputBatch x, int[] targets) {
            throw new UnsupportedOperationException("forward passes only");
        }
    }

    /** A mask of the cells inside the rectangle [x0, x1) × [y0, y1) of an h×w grid. */
    static byte[] box(int h, int w, int x0, int y0, int x1, int y1) {
        byte[] m = new byte[h * w];
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                m[y * w + x] = 1;
            }
        }
        return m;
    }

    /** Random inputs in [0, 1]. */
    static InputBatch randomInputs(int n, int c, int h, int w, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n * c * h * w];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextFloat();
        }
        return new InputBatch(n, c, h, w, v);
    }
}
