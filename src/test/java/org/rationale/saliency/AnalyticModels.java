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
