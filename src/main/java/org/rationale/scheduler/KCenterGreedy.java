package org.rationale.scheduler;

import java.util.Arrays;

/**
 * Picks a batch that is both high-scoring and spread out (Sener & Savarese 2018, weighted by
 * score): the best candidate first, then each time the candidate whose score times its distance to
 * the nearest already chosen one (relative to the largest such distance) is highest. Two identical
 * maps are never in one batch before every distinct one is.
 */
public final class KCenterGreedy {

    private KCenterGreedy() {
    }

    /** Chosen positions into the candidates, in order, and the relative distance of each when chosen. */
    public record Selection(int[] order, double[] distance) {
    }

    /**
     * @param scores     candidates' scores, not negative
     * @param embeddings candidates' embeddings, {@code dim} floats each
     * @param k          batch size
     * @param exponent   weight of distance against score (0: by score alone)
     */
    public static Selection select(float[] scores, float[] embeddings, int dim, int k, double exponent) {
        int n = scores.length;
        int m = Math.min(k, n);
        int[] order = new int[m];
        double[] distance = new double[m];
        if (m == 0) {
            return new Selection(order, distance);
        }
        double[] nearest = new double[n];
        Arrays.fill(nearest, Double.MAX_VALUE);
        boolean[] taken = new boolean[n];
        int first = 0;
        for (int i = 1; i < n; i++) {
            if (scores[i] > scores[first]) {
                first = i;
            }
        }
        order[0] = first;
        distance[0] = 1;
        taken[first] = true;
        for (int step = 1; step < m; step++) {
            int last = order[step - 1];
            double max = 0;
            for (int i = 0; i < n; i++) {
                if (!taken[i]) {
                    double d = 0;
                    for (int j = 0; j < dim; j++) {
                        double t = embeddings[i * dim + j] - embeddings[last * dim + j];
                        d += t * t;
                    }
                    nearest[i] = Math.min(nearest[i], Math.sqrt(d));
                    max = Math.max(max, nearest[i]);
                }
            }
            int best = -1;
            double bestValue = -1;
            for (int i = 0; i < n; i++) {
                if (!taken[i]) {
                    double rel = max > 0 ? nearest[i] / max : 0;
                    double v = scores[i] * (exponent == 0 ? 1 : Math.pow(rel, exponent));
                    if (v > bestValue || (v == bestValue && scores[i] > scores[best])) {
                        bestValue = v;
                        best = i;
                    }
                }
            }
            order[step] = best;
            distance[step] = max > 0 ? nearest[best] / max : 0;
            taken[best] = true;
        }
        return new Selection(order, distance);
    }
}
