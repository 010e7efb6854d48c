package org.rationale.saliency;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.rationale.explain.ExplainableModel;
import org.rationale.explain.InputBatch;
import org.rationale.explain.TabularInput;

/**
 * Occlusion (Zeiler and Fergus 2014): slide a square window over the image, replace it in all
 * channels by {@code baselineValue}, and give every pixel the mean drop of the target logit over
 * the windows that covered it. Needs forward passes only. {@code baselineValue} is a pixel value
 * (0–255), mapped through the model's preprocessing. On a table model it is feature ablation: each
 * feature ({@link TabularInput}: a categorical's one-hot columns together) replaced by the
 * baseline's values ({@code baseline}: zeros, mean (the default) or sample, averaged over the
 * reference rows), its attribution f(x) − f(x with the feature replaced), spread over its columns
 * ({@link TabularBaselines#spread}).
 */
public final class Occlusion implements AttributionMethod {

    @Override
    public String name() {
        return "occlusion";
    }

    /** One plane repeated over the input channels. */
    @Override
    public boolean repeatsOverChannels() {
        return true;
    }

    @Override
    public MethodParameters.Spec parameters() {
        return new MethodParameters.Spec()
                .integer("window", 4, 1, 4096)
                .integer("stride", 2, 1, 4096)
                .decimal("baselineValue", 0.0, 0.0, 255.0);
    }

    @Override
    public MethodParameters.Spec parameters(boolean tabular) {
        return tabular ? TabularBaselines.declare(new MethodParameters.Spec()) : parameters();
    }

    /** A window larger than the image is the image: stored and answered as the window used. */
    @Override
    public MethodParameters used(MethodParameters params, int height, int width) {
        if (!params.asMap().containsKey("window")) {
            return params;
        }
        int window = params.integer("window");
        int most = Math.min(height, width);
        return window > most ? params.with("window", Integer.toString(most)) : params;
    }

    @Override
    public Attribution attribute(ExplainableModel model, InputBatch inputs, int[] targets, MethodParameters params) {
        if (model.tabular().isPresent()) {
            return ablation(model, model.tabular().get(), inputs, targets, params);
        }
        int window = params.integer("window");
        int stride = params.integer("stride");
        double pixel = params.decimal("baselineValue") / 255.0;
        float[] lo = model.black();
        float[] hi = model.white();
        int c = inputs.channels();
        int h = inputs.height();
        int w = inputs.width();
        int size = inputs.sampleSize();
        int win = Math.min(window, Math.min(h, w));
        int[] ys = positions(h, win, stride);
        int[] xs = positions(w, win, stride);
        int windows = ys.length * xs.length;
        double[] full = Batches.targetLogits(model, inputs, targets);
        float[] out = new float[inputs.values().length];
        int chunk = Math.max(1, model.maxBatch());
        for (int i = 0; i < inputs.n(); i++) {
            // occluded copies are built one chunk at a time: windows × image can be gigabytes
            double[] f = new double[windows];
            int[] origin = new int[2 * windows];
            int k = 0;
            for (int y0 : ys) {
                for (int x0 : xs) {
                    origin[2 * k] = y0;
                    origin[2 * k + 1] = x0;
                    k++;
                }
            }
            for (int start = 0; start < windows; start += chunk) {
                int m = Math.min(chunk, windows - start);
                float[] occluded = new float[m * size];
                int[] t = new int[m];
                for (int r = 0; r < m; r++) {
                    int o = r * size;
                    int y0 = origin[2 * (start + r)];
                    int x0 = origin[2 * (start + r) + 1];
                    System.arraycopy(inputs.values(), i * size, occluded, o, size);
                    for (int ch = 0; ch < c; ch++) {
                        float v = (float) (lo[ch] + pixel * (hi[ch] - lo[ch]));
                        for (int y = y0; y < y0 + win; y++) {
                            for (int x = x0; x < x0 + win; x++) {
                                occluded[o + (ch * h + y) * w + x] = v;
                            }
                        }
                    }
                    t[r] = targets[i];
                }
                double[] part = Batches.targetLogits(model, inputs.with(m, occluded), t);
                System.arraycopy(part, 0, f, start, m);
            }
            double[] sum = new double[h * w];
            int[] count = new int[h * w];
            k = 0;
            for (int y0 : ys) {
                for (int x0 : xs) {
                    double drop = full[i] - f[k++];
                    for (int y = y0; y < y0 + win; y++) {
                        for (int x = x0; x < x0 + win; x++) {
                            sum[y * w + x] += drop;
                            count[y * w + x]++;
                        }
                    }
                }
            }
            for (int ch = 0; ch < c; ch++) {
                for (int p = 0; p < h * w; p++) {
                    out[i * size + ch * h * w + p] = count[p] == 0 ? 0f : (float) (sum[p] / count[p]);
                }
            }
        }
        return Attribution.withoutMetrics(inputs, out);
    }

    /** Feature ablation on a table model: one model evaluation a feature and baseline row. */
    private Attribution ablation(ExplainableModel model, TabularInput table, InputBatch inputs, int[] targets,
                                 MethodParameters params) {
        float[][] bases = TabularBaselines.rows(params, table, name());
        int players = table.features().size();
        int references = bases.length;
        TabularBaselines.requireBounded(name(), (long) players * references + 1, table.columns(), players + " features × "
                + references + " baseline rows");
        int[][] columns = TabularBaselines.columnsOf(table);
        int size = inputs.sampleSize();
        float[] x = inputs.values();
        float[] out = new float[x.length];
        double[] full = Batches.targetLogits(model, inputs, targets);
        for (int i = 0; i < inputs.n(); i++) {
            int offset = i * size;
            double[] drop = new double[players];
            double fx = full[i];
            Batches.targetLogits(model, inputs, players * references, targets[i], (row, into, o) -> {
                System.arraycopy(x, offset, into, o, size);
                float[] b = bases[row / players];
                for (int col : columns[row % players]) {
                    into[o + col] = b[col];
                }
            }, (row, v) -> drop[row % players] += (fx - v) / references);
            TabularBaselines.spread(drop, columns, x, offset, bases, out);
        }
        return Attribution.withoutMetrics(inputs, out);
    }

    /** Window origins that cover the whole axis: every stride, plus one flush with the end. */
    static int[] positions(int length, int window, int stride) {
        int last = length - window;
        List<Integer> p = new ArrayList<>();
        for (int s = 0; s <= last; s += stride) {
            p.add(s);
        }
        if (p.get(p.size() - 1) != last) {
            p.add(last);
        }
        return p.stream().mapToInt(Integer::intValue).toArray();
    }
}
