package org.rationale.saliency;

/**
 * Occlusion (Zeiler and Fergus 2014): slide a square window over the image, replace it in all
 * channels by {@code baselineValue}, and give every pixel the mean drop of the target logit over
 * the windows that covered it. Needs forward passes only. {@code baselineValue} is a pixel value
 * (0–255), mapped through the model's preprocessing.
 */
public final class Occlusion implements AttributionMethod {

    @Override
    public String name() {
        return "occlusion";
    }

    @Override
    public MethodParameters.Spec parameters() {
        return new MethodParameters.Spec()
                .integer("window", 4, 1, 4096)
                .integer("stride", 2, 1, 4096)
                .decimal("baselineValue", 0.0, 0.0, 255.0);
    }

    @Override
    public Attribution attribute(ExplainableModel model, InputBatch inputs, int[] targets, MethodParameters params) {
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
        for (int i = 0; i < inputs.n(); i++) {
            float[] occluded = new float[windows * size];
            int[] t = new int[windows];
            int k = 0;
            for (int y0 : ys) {
                for (int x0 : xs) {
                    int o = k * size;
                    System.arraycopy(inputs.values(), i * size, occluded, o, size);
                    for (int ch = 0; ch < c; ch++) {
                        float v = (float) (lo[ch] + pixel * (hi[ch] - lo[ch]));
                        for (int y = y0; y < y0 + win; y++) {
                            for (int x = x0; x < x0 + win; x++) {
                                occluded[o + (ch * h + y) * w + x] = v;
                            }
                        }
                    }
                    t[k++] = targets[i];
                }
            }
            double[] f = Batches.targetLogits(model, inputs.with(windows, occluded), t);
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
        return new Attribution(inputs, out, VanillaGradient.noMetrics(inputs.n()));
    }

    /** Window origins that cover the whole axis: every stride, plus one flush with the end. */
    static int[] positions(int length, int window, int stride) {
        int last = length - window;
        java.util.List<Integer> p = new java.util.ArrayList<>();
        for (int s = 0; s <= last; s += stride) {
            p.add(s);
        }
        if (p.get(p.size() - 1) != last) {
            p.add(last);
        }
        return p.stream().mapToInt(Integer::intValue).toArray();
    }
}
