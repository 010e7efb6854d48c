package org.rationale.scheduler;

import java.util.Arrays;
import java.util.List;

/**
 * The scheduler's evidence about every candidate sample, column by column so that a million
 * candidates re-rank in a fraction of a second: uncertainty of the prediction, agreement of the map
 * with the experts' masks (NaN where no mask says), the predicted disagreement of unannotated
 * samples, and a small embedding of each map for diversity.
 */
public final class ScoreTable {

    /** Side of the pooled map used as embedding (7×7 cells). */
    public static final int GRID = 7;
    public static final int DIM = GRID * GRID;
    /** Share of pixels whose mass counts as "concentrated" (2 %: 16 pixels of 28×28). */
    public static final double CONCENTRATION_FRACTION = 0.02;
    /** A prediction at least this confident with a disagreeing map raises a red flag. */
    public static final double RED_FLAG_CONFIDENCE = 0.9;

    final int n;
    final long[] ids;
    final float[] entropy;
    final float[] margin;
    final float[] leastConfidence;
    final float[] confidence;
    final boolean[] annotated;
    final boolean[] hasMap;
    final float[] relevanceMiss;
    final float[] pointingMiss;
    final float[] topKMiss;
    final float[] shortcutMass;
    final float[] concentration;
    final float[] priorShortcutMass;
    /** Bits of the marked regions the map says little about (see {@link MarkedRegions#weakIn}). */
    final int[] weakRegions;
    /** Flip rate when the marked regions are replaced on the sample (NaN: not tested). */
    final float[] reliance;
    /** Drop of the predicted class's probability in that test (NaN: not tested). */
    final float[] relianceDrop;
    final float[] embeddings;

    ScoreTable(int n) {
        this.n = n;
        ids = new long[n];
        entropy = new float[n];
        margin = new float[n];
        leastConfidence = new float[n];
        confidence = new float[n];
        annotated = new boolean[n];
        hasMap = new boolean[n];
        relevanceMiss = nan(n);
        pointingMiss = nan(n);
        topKMiss = nan(n);
        shortcutMass = nan(n);
        concentration = new float[n];
        priorShortcutMass = new float[n];
        weakRegions = new int[n];
        reliance = nan(n);
        relianceDrop = nan(n);
        embeddings = new float[n * DIM];
    }

    private static float[] nan(int n) {
        float[] a = new float[n];
        Arrays.fill(a, Float.NaN);
        return a;
    }

    /**
     * Scores the evidence of a project's candidates; the shortcut prior is learned from the
     * annotated ones among them. Maps are {@code width × height} values.
     */
    public static ScoreTable of(List<SampleEvidence> evidence, int width, int height) {
        ShortcutPrior prior = ShortcutPrior.of(evidence.stream().filter(SampleEvidence::annotated).toList(),
                width * height);
        ScoreTable t = new ScoreTable(evidence.size());
        for (int i = 0; i < t.n; i++) {
            t.set(i, evidence.get(i), prior, width, height);
        }
        return t;
    }

    void set(int i, SampleEvidence e, ShortcutPrior prior, int width, int height) {
        ids[i] = e.sampleId();
        float[] p = e.probabilities();
        if (p != null && p.length > 0) {
            entropy[i] = (float) Uncertainty.entropy(p);
            margin[i] = (float) Uncertainty.margin(p);
            leastConfidence[i] = (float) Uncertainty.leastConfidence(p);
            float max = 0;
            for (float v : p) {
                max = Math.max(max, v);
            }
            confidence[i] = max;
        }
        annotated[i] = e.annotated();
        float[] map = e.map();
        hasMap[i] = map != null && map.length == width * height;
        if (!hasMap[i]) {
            return;
        }
        if (SampleEvidence.hasPixels(e.relevant()) && e.relevant().length == map.length) {
            relevanceMiss[i] = (float) (1 - Localisation.relevanceMassAccuracy(map, e.relevant()));
            pointingMiss[i] = Localisation.pointingGameHit(map, e.relevant()) ? 0 : 1;
            topKMiss[i] = (float) (1 - Localisation.topKIoU(map, e.relevant()));
        }
        if (SampleEvidence.hasPixels(e.shortcut()) && e.shortcut().length == map.length) {
            shortcutMass[i] = (float) Localisation.massInside(map, e.shortcut());
        }
        concentration[i] = (float) Localisation.concentration(map, CONCENTRATION_FRACTION);
        priorShortcutMass[i] = (float) prior.massOn(map);
        embed(map, width, height, embeddings, i * DIM);
    }

    /** Positive mass per cell of a 7×7 grid, as shares of the whole. */
    static void embed(float[] map, int width, int height, float[] out, int offset) {
        double total = 0;
        for (int y = 0; y < height; y++) {
            int cy = y * GRID / height;
            for (int x = 0; x < width; x++) {
                float v = map[y * width + x];
                if (v > 0) {
                    out[offset + cy * GRID + x * GRID / width] += v;
                    total += v;
                }
            }
        }
        if (total > 0) {
            for (int j = 0; j < DIM; j++) {
                out[offset + j] /= (float) total;
            }
        }
    }

    public int size() {
        return n;
    }

    /**
     * The reliance of the model on the regions experts marked elsewhere, tested on unannotated
     * sample {@code i} by replacing them: the flip rate and the probability drop of the test.
     */
    void setReliance(int i, double flipRate, double drop) {
        reliance[i] = (float) flipRate;
        relianceDrop[i] = (float) drop;
    }

    /**
     * How far the map is from what the experts want: measured on annotated samples (the worse of
     * the attribution mass on the shortcut mask and the mean of the misses against the relevant
     * mask), predicted on the others (the worst of the mass on regions marked as shortcuts elsewhere,
     * the concentration of the map on a few pixels and, where the map says little about those
     * regions but replacing them was tested, the rate at which that flips the decision); 0 without a map.
     */
    public double disagreement(int i) {
        if (!hasMap[i]) {
            return 0;
        }
        if (annotated[i]) {
            double measured = 0;
            if (!Float.isNaN(relevanceMiss[i])) {
                measured = (relevanceMiss[i] + pointingMiss[i] + topKMiss[i]) / 3.0;
            }
            if (!Float.isNaN(shortcutMass[i])) {
                measured = Math.max(measured, shortcutMass[i]);
            }
            return measured;
        }
        double predicted = Math.max(priorShortcutMass[i], concentration[i]);
        return Float.isNaN(reliance[i]) ? predicted : Math.max(predicted, reliance[i]);
    }

    /** Confident and disagreeing: confidence × disagreement when the confidence reaches 0.9, else 0. */
    public double redFlag(int i) {
        return confidence[i] >= RED_FLAG_CONFIDENCE ? confidence[i] * disagreement(i) : 0;
    }

    public long id(int i) {
        return ids[i];
    }
}
