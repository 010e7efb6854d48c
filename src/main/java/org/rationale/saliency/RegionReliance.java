package org.rationale.saliency;

import org.rationale.error.Invalid;
import org.rationale.explain.ExplainableModel;
import org.rationale.explain.InputBatch;

import java.util.ArrayList;
import java.util.List;

/**
 * How much a model relies on a region of one input, measured by intervening on the input rather
 * than by reading gradients: the region is replaced (by the dataset's mean colour, by a blurred copy
 * of the image, or by the same region cut from images of other classes) and the model is asked
 * again. A model that leans on the region loses probability on its target and changes its decision;
 * one that ignores it does not move. Gradient masking cannot hide reliance from this test.
 * Forward passes only, in chunks of {@link ExplainableModel#maxBatch()}; the input is never changed.
 */
public final class RegionReliance {

    /** Most images of other classes one measurement may paste the region from. */
    public static final int MOST_DRAWS = 32;

    /** Largest blur (Gaussian sigma, in grid cells): the kernel spans at most 6·sigma + 1 cells. */
    public static final double MOST_BLUR = 16;

    /** The names of the replacements, in the order {@link #measure} answers them. */
    public static final String MEAN = "mean";
    public static final String BLUR = "blur";
    public static final String OTHER_CLASSES = "other-classes";

    private RegionReliance() {
    }

    /**
     * What to put into the region. Each part may be left out (null, 0 or no images).
     *
     * @param mean   per channel, the dataset's mean in preprocessed values
     * @param blur   Gaussian sigma in grid cells (0: no blur), at most {@link #MOST_BLUR}
     * @param others images of other classes (preprocessed, the input's shape), at most {@link #MOST_DRAWS}
     */
    public record Replacements(float[] mean, double blur, InputBatch others) {
    }

    /**
     * The figures of one replacement: the target's probability before and its mean after, the drop
     * ({@code before − after}), the fraction of draws in which the predicted class changed, and
     * how many draws (1 for mean and blur).
     */
    public record Figures(String replacement, double before, double after, double drop, double flipRate,
                          int flips, int draws) {
    }

    /**
     * Replaces the region of {@code x} (one sample) by each replacement given and reports the change.
     *
     * @param region one byte per cell of the model's H×W grid, non-zero inside the region
     */
    public static List<Figures> measure(ExplainableModel model, InputBatch x, byte[] region, int target,
                                        Replacements replacements) {
        check(model, x, region, target, replacements);
        int size = x.sampleSize();
        int hw = x.height() * x.width();
        int c = x.channels();
        InputBatch others = replacements.others();
        int draws = others == null ? 0 : others.n();
        boolean mean = replacements.mean() != null;
        boolean blur = replacements.blur() > 0;
        int n = 1 + (mean ? 1 : 0) + (blur ? 1 : 0) + draws;
        float[] batch = new float[n * size];
        float[] original = x.values();
        for (int i = 0; i < n; i++) {
            System.arraycopy(original, 0, batch, i * size, size);
        }
        int row = 1;
        if (mean) {
            for (int ch = 0; ch < c; ch++) {
                for (int p = 0; p < hw; p++) {
                    if (region[p] != 0) {
                        batch[row * size + ch * hw + p] = replacements.mean()[ch];
                    }
                }
            }
            row++;
        }
        if (blur) {
            float[] blurred = Baselines.blur(x, replacements.blur());
            paste(batch, row * size, blurred, 0, region, c, hw);
            row++;
        }
        for (int d = 0; d < draws; d++) {
            paste(batch, (row + d) * size, others.values(), d * size, region, c, hw);
        }
        float[] logits = Batches.logits(model, x.with(n, batch));
        int k = model.classes();
        double before = probability(logits, 0, k, target);
        int predicted = argmax(logits, 0, k);
        List<Figures> out = new ArrayList<>();
        row = 1;
        if (mean) {
            out.add(figures(MEAN, logits, k, target, predicted, before, row, 1));
            row++;
        }
        if (blur) {
            out.add(figures(BLUR, logits, k, target, predicted, before, row, 1));
            row++;
        }
        if (draws > 0) {
            out.add(figures(OTHER_CLASSES, logits, k, target, predicted, before, row, draws));
        }
        return out;
    }

    private static void check(ExplainableModel model, InputBatch x, byte[] region, int target, Replacements r) {
        if (x.n() != 1) {
            throw new IllegalArgumentException("one sample at a time, got " + x.n());
        }
        int hw = x.height() * x.width();
        if (region == null || region.length != hw) {
            throw new Invalid("Region of the wrong size", "The region has " + (region == null ? 0 : region.length)
                    + " cells; the model's input grid has " + x.width() + "x" + x.height() + " = " + hw);
        }
        if (cells(region) == 0) {
            throw new Invalid("Empty region", "The region covers no pixel of the model's input: mark at least one");
        }
        if (target < 0 || target >= model.classes()) {
            throw new Invalid("Unknown target class " + target, "The model has classes 0 to " + (model.classes() - 1));
        }
        if (r.mean() != null && r.mean().length != x.channels()) {
            throw new IllegalArgumentException("mean needs one value per channel (" + x.channels() + ")");
        }
        if (!(r.blur() >= 0 && r.blur() <= MOST_BLUR)) {
            throw new Invalid("Blur " + r.blur() + " out of range", "The blur is a sigma from 0 to " + MOST_BLUR);
        }
        InputBatch o = r.others();
        if (o != null) {
            if (o.n() > MOST_DRAWS) {
                throw new Invalid("Too many draws: " + o.n(), "At most " + MOST_DRAWS
                        + " images of other classes may be pasted in");
            }
            if (o.channels() != x.channels() || o.height() != x.height() || o.width() != x.width()) {
                throw new IllegalArgumentException("other images must have the input's shape");
            }
        }
        if (r.mean() == null && !(r.blur() > 0) && (o == null || o.n() == 0)) {
            throw new Invalid("No replacement", "Give the dataset's mean, a blur or images of other classes");
        }
    }

    /** Cells of a region (non-zero bytes). */
    public static int cells(byte[] region) {
        int n = 0;
        for (byte b : region) {
            if (b != 0) {
                n++;
            }
        }
        return n;
    }

    private static void paste(float[] to, int toOffset, float[] from, int fromOffset, byte[] region, int c, int hw) {
        for (int ch = 0; ch < c; ch++) {
            for (int p = 0; p < hw; p++) {
                if (region[p] != 0) {
                    to[toOffset + ch * hw + p] = from[fromOffset + ch * hw + p];
                }
            }
        }
    }

    private static Figures figures(String name, float[] logits, int k, int target, int predicted, double before,
                                   int first, int draws) {
        double after = 0;
        int flips = 0;
        for (int d = 0; d < draws; d++) {
            int o = (first + d) * k;
            after += probability(logits, o, k, target);
            if (argmax(logits, o, k) != predicted) {
                flips++;
            }
        }
        after /= draws;
        return new Figures(name, before, after, before - after, (double) flips / draws, flips, draws);
    }

    private static double probability(float[] logits, int offset, int k, int target) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            max = Math.max(max, logits[offset + j]);
        }
        double sum = 0;
        for (int j = 0; j < k; j++) {
            sum += Math.exp(logits[offset + j] - max);
        }
        return Math.exp(logits[offset + target] - max) / sum;
    }

    private static int argmax(float[] logits, int offset, int k) {
        int best = 0;
        for (int j = 1; j < k; j++) {
            if (logits[offset + j] > logits[offset + best]) {
                best = j;
            }
        }
        return best;
    }
}
