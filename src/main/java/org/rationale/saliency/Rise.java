package org.rationale.saliency;

import org.rationale.explain.ExplainableModel;
import org.rationale.explain.InputBatch;
import java.util.Optional;
import java.util.Random;

/**
 * RISE (Petsiuk et al. 2018), model-agnostic: random low-resolution binary masks, bilinearly
 * upsampled with a random shift, blend the image with black; a pixel's saliency is the target logit
 * averaged over the masks, weighted by how visible the pixel was, divided by the keep probability.
 * Forward passes only; the masks come from {@code seed} and are the same for every sample.
 */
public final class Rise implements AttributionMethod {

    @Override
    public String name() {
        return "rise";
    }

    /** One plane repeated over the input channels. */
    @Override
    public boolean repeatsOverChannels() {
        return true;
    }

    /** Its masks are smooth images of a coarse grid upsampled to the picture: they mean nothing on a row. */
    @Override
    public Optional<String> refusalOnRows() {
        return Optional.of("rise blends the image with black through smooth masks upsampled from a coarse grid; a "
                + "table row has no neighbouring pixels to smooth over. On rows use kernel-shap, shapley-sampling, "
                + "occlusion (one feature at a time replaced by its baseline) or integrated-gradients");
    }

    @Override
    public MethodParameters.Spec parameters() {
        return new MethodParameters.Spec()
                .integer("samples", 500, 1, 20000)
                .integer("cells", 7, 2, 64)
                .decimal("keep", 0.5, 0.05, 0.95)
                .integer("seed", 0, 0, Integer.MAX_VALUE);
    }

    @Override
    public Attribution attribute(ExplainableModel model, InputBatch inputs, int[] targets, MethodParameters params) {
        int samples = params.integer("samples");
        int cells = params.integer("cells");
        double keep = params.decimal("keep");
        int h = inputs.height();
        int w = inputs.width();
        int hw = h * w;
        float[] black = model.black();
        int size = inputs.sampleSize();
        int n = inputs.n();
        double[][] acc = new double[n][hw];
        int chunk = Math.max(1, model.maxBatch());
        long seed = params.integer("seed");
        // masks are made one chunk at a time (samples × H × W floats can be gigabytes); mask s depends
        // only on (seed, s), so the result does not depend on the chunk size
        for (int start = 0; start < samples; start += chunk) {
            int m = Math.min(chunk, samples - start);
            float[][] masks = masks(start, m, cells, keep, h, w, seed);
            for (int i = 0; i < n; i++) {
                float[] batch = new float[m * size];
                int[] t = new int[m];
                for (int r = 0; r < m; r++) {
                    for (int c = 0; c < inputs.channels(); c++) {
                        for (int p = 0; p < hw; p++) {
                            float x = inputs.values()[i * size + c * hw + p];
                            batch[r * size + c * hw + p] = black[c] + masks[r][p] * (x - black[c]);
                        }
                    }
                    t[r] = targets[i];
                }
                double[] f = Batches.targetLogits(model, inputs.with(m, batch), t);
                for (int r = 0; r < m; r++) {
                    for (int p = 0; p < hw; p++) {
                        acc[i][p] += f[r] * masks[r][p];
                    }
                }
            }
        }
        float[] out = new float[inputs.values().length];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < inputs.channels(); c++) {
                for (int p = 0; p < hw; p++) {
                    out[i * size + c * hw + p] = (float) (acc[i][p] / (samples * keep));
                }
            }
        }
        return Attribution.withoutMetrics(inputs, out);
    }

    /** Masks number {@code first} to {@code first + count - 1}; mask s is drawn from its own seeded stream. */
    static float[][] masks(int first, int count, int cells, double keep, int h, int w, long seed) {
        double cellH = Math.ceil((double) h / cells);
        double cellW = Math.ceil((double) w / cells);
        int gh = (int) ((cells + 1) * cellH);
        int gw = (int) ((cells + 1) * cellW);
        float[][] out = new float[count][];
        for (int s = 0; s < count; s++) {
            Random r = new Random(seed * 1_000_003L + first + s);
            float[] grid = new float[(cells + 1) * (cells + 1)];
            for (int g = 0; g < grid.length; g++) {
                grid[g] = r.nextDouble() < keep ? 1f : 0f;
            }
            float[] up = GradCam.bilinear(grid, cells + 1, cells + 1, gh, gw);
            int dy = r.nextInt((int) cellH);
            int dx = r.nextInt((int) cellW);
            float[] mask = new float[h * w];
            for (int y = 0; y < h; y++) {
                System.arraycopy(up, (y + dy) * gw + dx, mask, y * w, w);
            }
            out[s] = mask;
        }
        return out;
    }
}
