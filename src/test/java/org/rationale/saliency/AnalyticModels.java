package org.rationale.saliency;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.rationale.explain.ExplainableModel;
import org.rationale.explain.InputBatch;
import org.rationale.explain.TabularInput;
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


    /**
     * A linear model over one table row (1×1×F) with a categorical feature: columns {@code age},
     * {@code income}, {@code site=A}, {@code site=B}, {@code site=C} (one-hot: the feature {@code site})
     * and {@code smoker}; four features. Mean row and five reference rows are fixed by the seed.
     */
    static class TabularLinear extends Linear {
        final TabularInput table;

        TabularLinear(int classes, long seed) {
            this(List.of("age", "income", "site", "smoker"), new int[] {0, 1, 2, 2, 2, 3}, classes, seed);
        }

        /** Every column its own feature, {@code columns} of them. */
        TabularLinear(int columns, int classes, long seed) {
            this(names(columns), identity(columns), classes, seed);
        }

        private TabularLinear(List<String> features, int[] featureOfColumn, int classes, long seed) {
            super(1, 1, featureOfColumn.length, classes, seed);
            Random r = new Random(seed + 1);
            float[] mean = new float[featureOfColumn.length];
            for (int c = 0; c < mean.length; c++) {
                mean[c] = (float) (0.5 * r.nextGaussian());
            }
            float[][] references = new float[5][];
            for (int k = 0; k < references.length; k++) {
                references[k] = row(featureOfColumn, r);
            }
            table = new TabularInput(features, featureOfColumn, mean, references);
        }

        @Override
        public Optional<TabularInput> tabular() {
            return Optional.of(table);
        }

        /** Rows of this model's columns: Gaussian numbers, one-hot categoricals. */
        InputBatch rows(int n, long seed) {
            Random r = new Random(seed);
            int f = table.columns();
            float[] v = new float[n * f];
            for (int i = 0; i < n; i++) {
                System.arraycopy(row(table.featureOfColumn(), r), 0, v, i * f, f);
            }
            return new InputBatch(n, 1, 1, f, v);
        }

        /** Σ over the feature's columns of w·(x − b), for target {@code t}, sample {@code i}. */
        double linearShare(InputBatch x, int i, int t, int feature, float[] baseline) {
            double s = 0;
            int f = table.columns();
            for (int c = 0; c < f; c++) {
                if (table.featureOfColumn()[c] == feature) {
                    s += weight(t, c) * ((double) x.values()[i * f + c] - baseline[c]);
                }
            }
            return s;
        }

        private static float[] row(int[] featureOfColumn, Random r) {
            float[] row = new float[featureOfColumn.length];
            for (int c = 0; c < row.length; c++) {
                int g = featureOfColumn[c];
                boolean grouped = (c > 0 && featureOfColumn[c - 1] == g)
                        || (c + 1 < row.length && featureOfColumn[c + 1] == g);
                if (!grouped) {
                    row[c] = (float) r.nextGaussian();
                }
            }
            // one column of each group set
            for (int c = 0; c < row.length; ) {
                int g = featureOfColumn[c];
                int end = c;
                while (end < row.length && featureOfColumn[end] == g) {
                    end++;
                }
                if (end - c > 1) {
                    row[c + r.nextInt(end - c)] = 1f;
                }
                c = end;
            }
            return row;
        }

        private static List<String> names(int columns) {
            List<String> out = new ArrayList<>();
            for (int c = 0; c < columns; c++) {
                out.add("f" + c);
            }
            return out;
        }

        private static int[] identity(int columns) {
            int[] out = new int[columns];
            for (int c = 0; c < columns; c++) {
                out[c] = c;
            }
            return out;
        }
    }

    /**
     * Two classes over a row of three features, {@code f0 = x0·x1 + 2·x2} and {@code f1 = −f0}: an
     * interaction whose Shapley values are known by hand. Baselines mean (0.5, −1, 0.25) and zeros.
     */
    static class Interaction implements ExplainableModel {
        final TabularInput table = new TabularInput(List.of("a", "b", "c"), new int[] {0, 1, 2},
                new float[] {0.5f, -1f, 0.25f}, new float[][] {{0f, 0f, 0f}, {1f, 2f, -1f}});

        @Override public int channels() { return 1; }
        @Override public int height() { return 1; }
        @Override public int width() { return 3; }
        @Override public int classes() { return 2; }
        @Override public float[] black() { return new float[1]; }
        @Override public float[] white() { return new float[] {1f}; }
        @Override public int maxBatch() { return 4; }
        @Override public Optional<TabularInput> tabular() { return Optional.of(table); }

        @Override
        public float[] logits(InputBatch x) {
            float[] out = new float[x.n() * 2];
            for (int i = 0; i < x.n(); i++) {
                float[] v = x.values();
                double f = (double) v[3 * i] * v[3 * i + 1] + 2.0 * v[3 * i + 2];
                out[2 * i] = (float) f;
                out[2 * i + 1] = (float) -f;
            }
            return out;
        }

        @Override
        public GradientResult gradient(InputBatch x, int[] targets) {
            float[] g = new float[x.values().length];
            float[] v = x.values();
            for (int i = 0; i < x.n(); i++) {
                float sign = targets[i] == 0 ? 1f : -1f;
                g[3 * i] = sign * v[3 * i + 1];
                g[3 * i + 1] = sign * v[3 * i];
                g[3 * i + 2] = sign * 2f;
            }
            return new GradientResult(logits(x), g);
        }
    }

    /**
     * A one-hidden-layer perceptron over a table row, {@code W2 · tanh(W1 · x + b1) + b2}, with weights
     * given (the PyTorch fixture's), computed in double; gradients in closed form.
     */
    static class Mlp implements ExplainableModel {
        final int inputs;
        final int hidden;
        final int classes;
        final double[][] w1;
        final double[] b1;
        final double[][] w2;
        final double[] b2;
        final TabularInput table;

        Mlp(double[][] w1, double[] b1, double[][] w2, double[] b2, TabularInput table) {
            this.w1 = w1;
            this.b1 = b1;
            this.w2 = w2;
            this.b2 = b2;
            this.hidden = w1.length;
            this.inputs = w1[0].length;
            this.classes = w2.length;
            this.table = table;
        }

        @Override public int channels() { return 1; }
        @Override public int height() { return 1; }
        @Override public int width() { return inputs; }
        @Override public int classes() { return classes; }
        @Override public float[] black() { return new float[1]; }
        @Override public float[] white() { return new float[] {1f}; }
        @Override public int maxBatch() { return 5; }
        @Override public Optional<TabularInput> tabular() { return Optional.of(table); }

        private double[] hiddenOf(float[] v, int o) {
            double[] h = new double[hidden];
            for (int j = 0; j < hidden; j++) {
                double s = b1[j];
                for (int c = 0; c < inputs; c++) {
                    s += w1[j][c] * v[o + c];
                }
                h[j] = Math.tanh(s);
            }
            return h;
        }

        @Override
        public float[] logits(InputBatch x) {
            float[] out = new float[x.n() * classes];
            for (int i = 0; i < x.n(); i++) {
                double[] h = hiddenOf(x.values(), i * inputs);
                for (int k = 0; k < classes; k++) {
                    double s = b2[k];
                    for (int j = 0; j < hidden; j++) {
                        s += w2[k][j] * h[j];
                    }
                    out[i * classes + k] = (float) s;
                }
            }
            return out;
        }

        @Override
        public GradientResult gradient(InputBatch x, int[] targets) {
            float[] g = new float[x.values().length];
            for (int i = 0; i < x.n(); i++) {
                double[] h = hiddenOf(x.values(), i * inputs);
                for (int c = 0; c < inputs; c++) {
                    double s = 0;
                    for (int j = 0; j < hidden; j++) {
                        s += w2[targets[i]][j] * (1 - h[j] * h[j]) * w1[j][c];
                    }
                    g[i * inputs + c] = (float) s;
                }
            }
            return new GradientResult(logits(x), g);
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
