package org.rationale.saliency;

import java.util.Arrays;
import org.rationale.explain.ExplainableModel;
import org.rationale.explain.InputBatch;

/** Runs large batches through a model in chunks of {@link ExplainableModel#maxBatch()}. */
final class Batches {

    private Batches() {
    }

    /** Input gradients of every row of {@code x}, chunked. */
    static float[] gradient(ExplainableModel model, InputBatch x, int[] targets) {
        int size = x.sampleSize();
        float[] out = new float[x.values().length];
        int step = Math.max(1, model.maxBatch());
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
