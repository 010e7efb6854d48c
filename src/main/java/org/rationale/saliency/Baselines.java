package org.rationale.saliency;

import org.rationale.explain.ExplainableModel;
import org.rationale.explain.InputBatch;
import java.util.List;
import java.util.Random;

/** Reference inputs for path methods: black, a blurred copy of the input, or uniform noise. */
final class Baselines {

    static final List<String> NAMES = List.of("black", "blur", "noise");

    private Baselines() {
    }

    static float[] of(String name, ExplainableModel model, InputBatch x, long seed) {
        return switch (name) {
            case "black" -> Batches.constant(x, model.black());
            case "blur" -> blur(x, 5.0);
            case "noise" -> noise(model, x, seed);
            default -> throw new IllegalArgumentException("unknown baseline " + name);
        };
    }

    /** Uniform noise between each channel's black and white values; the same for every sample of a batch. */
    private static float[] noise(ExplainableModel model, InputBatch x, long seed) {
        float[] lo = model.black();
        float[] hi = model.white();
        int size = x.sampleSize();
        int hw = x.height() * x.width();
        float[] one = new float[size];
        Random r = new Random(seed);
        for (int p = 0; p < size; p++) {
            int c = p / hw;
            one[p] = lo[c] + r.nextFloat() * (hi[c] - lo[c]);
        }
        float[] v = new float[x.values().length];
        for (int i = 0; i < x.n(); i++) {
            System.arraycopy(one, 0, v, i * size, size);
        }
        return v;
    }

    /** Separable Gaussian blur of each channel (edges clamped). */
    static float[] blur(InputBatch x, double sigma) {
        int radius = (int) Math.ceil(3 * sigma);
        double[] k = new double[2 * radius + 1];
        double sum = 0;
        for (int i = -radius; i <= radius; i++) {
            k[i + radius] = Math.exp(-(i * i) / (2 * sigma * sigma));
            sum += k[i + radius];
        }
        for (int i = 0; i < k.length; i++) {
            k[i] /= sum;
        }
        int h = x.height();
        int w = x.width();
        float[] out = new float[x.values().length];
        float[] tmp = new float[h * w];
        for (int plane = 0; plane < x.n() * x.channels(); plane++) {
            int o = plane * h * w;
            for (int y = 0; y < h; y++) {
                for (int xx = 0; xx < w; xx++) {
                    double acc = 0;
                    for (int d = -radius; d <= radius; d++) {
                        int sx = Math.min(w - 1, Math.max(0, xx + d));
                        acc += k[d + radius] * x.values()[o + y * w + sx];
                    }
                    tmp[y * w + xx] = (float) acc;
                }
            }
            for (int y = 0; y < h; y++) {
                for (int xx = 0; xx < w; xx++) {
                    double acc = 0;
                    for (int d = -radius; d <= radius; d++) {
                        int sy = Math.min(h - 1, Math.max(0, y + d));
                        acc += k[d + radius] * tmp[sy * w + xx];
                    }
                    out[o + y * w + xx] = (float) acc;
                }
            }
        }
        return out;
    }
}
