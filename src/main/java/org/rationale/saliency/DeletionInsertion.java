package org.rationale.saliency;

import java.util.Arrays;
import org.rationale.explain.ExplainableModel;
import org.rationale.explain.InputBatch;
import org.rationale.explain.TabularInput;
import java.util.Map;

/**
 * Deletion and insertion curves (Petsiuk et al. 2018): remove pixels from the image (or add them to a
 * blurred copy) in the order the map ranks them, most salient first, and follow the target's
 * softmax probability. A faithful map makes the deletion curve fall fast (low AUC) and the
 * insertion curve rise fast (high AUC). Pixels are ranked by the map summed over its channels (a
 * stored plane, {@link MapChannels}, is its own sum; a raw or {@code channels=all} map has the
 * input's channels); all steps of a curve run as one batch. A table row's curves remove or add one
 * feature a step ({@link #rowAucs}).
 */
public final class DeletionInsertion {

    private DeletionInsertion() {
    }

    /**
     * @param x     one sample
     * @param map   its attributions, one H×W plane or C×H×W
     * @param steps points of each curve after the start (the curve has steps + 1 points)
     */
    public static Map<String, Double> aucs(ExplainableModel model, InputBatch x, int target, float[] map, int steps) {
        int hw = x.height() * x.width();
        int c = map.length / hw;
        if (c * hw != map.length || (c != 1 && c != x.channels())) {
            throw new IllegalArgumentException("map has " + map.length + " values, expected H×W or C×H×W of "
                    + x.channels() + "×" + x.height() + "×" + x.width());
        }
        double[] score = new double[hw];
        for (int ch = 0; ch < c; ch++) {
            for (int p = 0; p < hw; p++) {
                score[p] += map[ch * hw + p];
            }
        }
        Integer[] order = new Integer[hw];
        for (int p = 0; p < hw; p++) {
            order[p] = p;
        }
        Arrays.sort(order, (a, b) -> Double.compare(score[b], score[a]));
        float[] black = Batches.constant(x, model.black());
        float[] blurred = Baselines.blur(x, 5.0);
        double deletion = auc(model, x, target, order, steps, x.values(), black);
        double insertion = auc(model, x, target, order, steps, blurred, x.values());
        return Map.of("deletionAuc", deletion, "insertionAuc", insertion);
    }

    /**
     * The curves of a table row's map, one feature a step: deletion sets the features, most
     * attributed first, to the training mean ({@code layout.mean()}, the row with no information
     * beyond the average) — a categorical feature's one-hot columns together — and insertion starts
     * from the mean row and gives the features their values in the same order. F features make
     * F + 1 points a curve, all in one batch; ties keep the features' order.
     *
     * @param x   one encoded, standardised row (1×1×columns)
     * @param map one attribution per feature, in {@code layout.features()} order
     */
    public static Map<String, Double> rowAucs(ExplainableModel model, InputBatch x, int target, float[] map,
                                              TabularInput layout) {
        int features = layout.features().size();
        if (map.length != features || x.sampleSize() != layout.columns()) {
            throw new IllegalArgumentException("map has " + map.length + " values for " + features + " features; the row "
                    + x.sampleSize() + " columns for " + layout.columns());
        }
        Integer[] order = new Integer[features];
        for (int f = 0; f < features; f++) {
            order[f] = f;
        }
        Arrays.sort(order, (a, b) -> Float.compare(map[b], map[a]));
        int[] rank = new int[features];
        for (int r = 0; r < features; r++) {
            rank[order[r]] = r;
        }
        // the columns of each rank's feature, so that a step moves all of them
        int[][] columnsOfRank = new int[features][];
        int[] count = new int[features];
        for (int c : layout.featureOfColumn()) {
            count[rank[c]]++;
        }
        for (int r = 0; r < features; r++) {
            columnsOfRank[r] = new int[count[r]];
            count[r] = 0;
        }
        int[] featureOfColumn = layout.featureOfColumn();
        for (int c = 0; c < featureOfColumn.length; c++) {
            int r = rank[featureOfColumn[c]];
            columnsOfRank[r][count[r]++] = c;
        }
        float[] mean = layout.mean();
        double deletion = rowAuc(model, x, target, columnsOfRank, x.values(), mean);
        double insertion = rowAuc(model, x, target, columnsOfRank, mean, x.values());
        return Map.of("deletionAuc", deletion, "insertionAuc", insertion);
    }

    /** Starting from {@code from}, each rank's columns take their value in {@code to}; AUC of p(target). */
    private static double rowAuc(ExplainableModel model, InputBatch x, int target, int[][] columnsOfRank,
                                 float[] from, float[] to) {
        int size = x.sampleSize();
        int steps = columnsOfRank.length;
        float[] batch = new float[(steps + 1) * size];
        float[] current = from.clone();
        System.arraycopy(current, 0, batch, 0, size);
        for (int s = 1; s <= steps; s++) {
            for (int c : columnsOfRank[s - 1]) {
                current[c] = to[c];
            }
            System.arraycopy(current, 0, batch, s * size, size);
        }
        return area(model, Batches.logits(model, x.with(steps + 1, batch)), target, steps);
    }

    /** Starting from {@code from}, pixels take their value in {@code to} in rank order; AUC of p(target). */
    private static double auc(ExplainableModel model, InputBatch x, int target, Integer[] order, int steps,
                              float[] from, float[] to) {
        int size = x.sampleSize();
        int hw = x.height() * x.width();
        float[] batch = new float[(steps + 1) * size];
        float[] current = from.clone();
        System.arraycopy(current, 0, batch, 0, size);
        int done = 0;
        for (int s = 1; s <= steps; s++) {
            int upto = (int) Math.round((double) s * hw / steps);
            for (; done < upto; done++) {
                int p = order[done];
                for (int ch = 0; ch < x.channels(); ch++) {
                    current[ch * hw + p] = to[ch * hw + p];
                }
            }
            System.arraycopy(current, 0, batch, s * size, size);
        }
        return area(model, Batches.logits(model, x.with(steps + 1, batch)), target, steps);
    }

    /** The trapezoid area under p(target) over steps + 1 points of logits, the x axis from 0 to 1. */
    private static double area(ExplainableModel model, float[] logits, int target, int steps) {
        int k = model.classes();
        double area = 0;
        double prev = 0;
        for (int s = 0; s <= steps; s++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                max = Math.max(max, logits[s * k + j]);
            }
            double sum = 0;
            for (int j = 0; j < k; j++) {
                sum += Math.exp(logits[s * k + j] - max);
            }
            double prob = Math.exp(logits[s * k + target] - max) / sum;
            if (s > 0) {
                area += (prev + prob) / 2 / steps;
            }
            prev = prob;
        }
        return area;
    }
}
