package org.rationale.saliency;

import java.util.Arrays;
import java.util.function.BiFunction;
import org.rationale.explain.ExplainableModel;
import org.rationale.explain.InputBatch;

/** Runs large batches through a model in chunks of {@link ExplainableModel#maxBatch()}. */
final class Batches {

    private Batches() {
    }

    /**
     * Rows per chunk for {@code total} rows at most {@code max} at a time, as even as the count of
     * chunks allows: 32 rows at most 27 at a time run as 16 + 16, not 27 + 5 (a small last chunk
     * costs nearly what a full one does per row on a CPU, and more per call).
     */
    static int evenChunk(int total, int max) {
        int m = Math.max(1, max);
        int chunks = Math.max(1, (total + m - 1) / m);
        return Math.max(1, (total + chunks - 1) / chunks);
    }

    /** Input gradients of every row of {@code x}, chunked. */
    static float[] gradient(ExplainableModel model, InputBatch x, int[] targets) {
        if (x.n() <= model.maxBatch()) {
            return model.gradient(x, targets).gradient();
        }
        int size = x.sampleSize();
        float[] out = new float[x.values().length];
        int step = evenChunk(x.n(), model.maxBatch());
        for (int start = 0; start < x.n(); start += step) {
            int m = Math.min(step, x.n() - start);
            float[] chunk = new float[m * size];
            System.arraycopy(x.values(), start * size, chunk, 0, chunk.length);
            int[] t = new int[m];
            System.arraycopy(targets, start, t, 0, m);
            float[] g = model.gradient(x.with(m, chunk), t).gradient();
            System.arraycopy(g, 0, out, start * size, g.length);
        }
        return out;
    }

    /**
     * Logits and input gradients of every row of {@code x}, chunked, each chunk's targets chosen from
     * its own logits in one forward pass ({@link ExplainableModel#gradientChoosingTargets}):
     * {@code targetsOf} gets the index of the chunk's first row and the chunk's logits.
     */
    static ExplainableModel.GradientResult gradientChoosingTargets(ExplainableModel model, InputBatch x,
                                                                   BiFunction<Integer, float[], int[]> targetsOf) {
        int step = Math.max(1, model.maxBatch());
        if (x.n() <= step) {
            return model.gradientChoosingTargets(x, logits -> targetsOf.apply(0, logits));
        }
        step = evenChunk(x.n(), step);
        int size = x.sampleSize();
        int classes = model.classes();
        float[] logits = new float[x.n() * classes];
        float[] gradient = new float[x.values().length];
        for (int start = 0; start < x.n(); start += step) {
            int m = Math.min(step, x.n() - start);
            int first = start;
            float[] chunk = Arrays.copyOfRange(x.values(), start * size, (start + m) * size);
            ExplainableModel.GradientResult r = model.gradientChoosingTargets(x.with(m, chunk),
                    l -> targetsOf.apply(first, l));
            System.arraycopy(r.logits(), 0, logits, start * classes, r.logits().length);
            System.arraycopy(r.gradient(), 0, gradient, start * size, r.gradient().length);
        }
        return new ExplainableModel.GradientResult(logits, gradient);
    }

    /** Logits of every row of {@code x}, chunked: N×classes. */
    static float[] logits(ExplainableModel model, InputBatch x) {
        int size = x.sampleSize();
        int classes = model.classes();
        float[] out = new float[x.n() * classes];
        int step = Math.max(1, model.maxBatch());
        for (int start = 0; start < x.n(); start += step) {
            int m = Math.min(step, x.n() - start);
            float[] chunk = new float[m * size];
            System.arraycopy(x.values(), start * size, chunk, 0, chunk.length);
            float[] l = model.logits(x.with(m, chunk));
            System.arraycopy(l, 0, out, start * classes, l.length);
        }
        return out;
    }

    /** The target logit of each row. */
    static double[] targetLogits(ExplainableModel model, InputBatch x, int[] targets) {
        float[] l = logits(model, x);
        double[] out = new double[x.n()];
        for (int i = 0; i < x.n(); i++) {
            out[i] = l[i * model.classes() + targets[i]];
        }
        return out;
    }

    /** Writes row {@code row} of a batch built one chunk at a time into {@code into} from {@code offset}. */
    interface RowWriter {
        void write(int row, float[] into, int offset);
    }

    /** Takes the target logit of row {@code row}. */
    interface RowValue {
        void accept(int row, double value);
    }

    /**
     * The target logit of {@code count} rows shaped like the samples of {@code like}, written by
     * {@code rows} one chunk of at most {@link ExplainableModel#maxBatch()} rows at a time, in row
     * order, and handed to {@code values} in row order: memory stays one chunk whatever the count.
     */
    static void targetLogits(ExplainableModel model, InputBatch like, int count, int target, RowWriter rows,
                             RowValue values) {
        int size = like.sampleSize();
        int classes = model.classes();
        int step = evenChunk(count, model.maxBatch());
        for (int start = 0; start < count; start += step) {
            int m = Math.min(step, count - start);
            float[] chunk = new float[m * size];
            for (int r = 0; r < m; r++) {
                rows.write(start + r, chunk, r * size);
            }
            float[] l = model.logits(like.with(m, chunk));
            for (int r = 0; r < m; r++) {
                values.accept(start + r, l[r * classes + target]);
            }
        }
    }

    /** Per channel, fills a baseline sample with a constant per channel. */
    static float[] constant(InputBatch x, float[] perChannel) {
        float[] v = new float[x.values().length];
        int hw = x.height() * x.width();
        for (int i = 0; i < x.n(); i++) {
            for (int c = 0; c < x.channels(); c++) {
                Arrays.fill(v, (i * x.channels() + c) * hw, (i * x.channels() + c + 1) * hw, perChannel[c]);
            }
        }
        return v;
    }
}
