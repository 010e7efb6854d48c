package org.rationale.saliency;

import org.rationale.error.Invalid;
import org.rationale.explain.ExplainableModel;
import org.rationale.explain.InputBatch;
import org.rationale.explain.TabularInput;
import org.rationale.explain.UnsupportedMethodException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * KernelSHAP (Lundberg and Lee 2017) over the features of a table model. The players are the
 * features of its {@link TabularInput} (a categorical's one-hot columns are one player); a player
 * absent from a coalition takes the baseline's values on its columns. The Shapley values are the
 * weighted least-squares fit of the coalitions' target logits, weighted by the Shapley kernel
 * {@code (M − 1) / (C(M, s) · s · (M − s))}, with the empty and the full coalition enforced exactly
 * ({@code φ0 = f(baseline)}, {@code Σ φ = f(x) − f(baseline)}): the attributions sum to
 * f(x) − f(baseline); with baseline {@code sample}, a coalition's value is its mean over the reference
 * rows and the sum is f(x) − mean over the rows of f(row).
 *
 * <p>When {@code samples} allows all 2^M − 2 other coalitions they are enumerated, and the fit is
 * the exact Shapley values. Otherwise {@code samples} coalitions are drawn, seeded: a size in
 * proportion to the kernel's mass at that size, members uniformly, each coalition followed by its
 * complement, all weighted equally. The fit is solved in double by the normal equations with the
 * efficiency constraint eliminated (M − 1 unknowns, Cholesky, a ridge of 1e-10 of the largest
 * diagonal term against coalitions that never separate two players), so it takes at most
 * {@value #MAX_FEATURES} features (an M² system of 32 MB) and at least as many coalitions as
 * features. Each feature's value is spread over its columns ({@link TabularBaselines#spread}); the
 * attributions keep the inputs' N×1×1×F shape.
 */
public final class KernelShap extends TableOnlyMethod {

    static final int MAX_FEATURES = 2000;
    /** The least-squares fit's work bound, samples × features², a few seconds of one core. */
    static final long FIT_WORK = 4_000_000_000L;

    KernelShap() {
        super("kernel-shap", "KernelSHAP", 512, 16, 20_000);
    }

    @Override
    public Attribution attribute(ExplainableModel model, InputBatch inputs, int[] targets, MethodParameters params) {
        TabularInput table = table(model);
        int players = table.features().size();
        if (players > MAX_FEATURES) {
            throw new UnsupportedMethodException(label() + " fits one least-squares system over the features and takes "
                    + "at most " + MAX_FEATURES + "; this model has " + players + ": use shapley-sampling or occlusion");
        }
        int samples = params.integer("samples");
        if ((long) samples * players * players > FIT_WORK) {
            throw new Invalid("Too much work for " + name() + " on this model", "samples " + samples + " coalitions of "
                    + players + " features make a least-squares fit of " + samples + " × " + players + "² operations; "
                    + "at most " + FIT_WORK + ": give fewer samples, or use shapley-sampling or occlusion");
        }
        Coalitions coalitions = Coalitions.of(players, samples, params.integer("seed"));
        if (!coalitions.exact() && samples < players) {
            throw new Invalid("Too few samples for " + name() + " on this model", "samples " + samples + " is fewer "
                    + "than this model's " + players + " features: KernelSHAP fits one value per feature from the "
                    + "coalitions; give samples of at least " + players);
        }
        float[][] bases = TabularBaselines.rows(params, table, name());
        int k = coalitions.size();
        TabularBaselines.requireBounded(name(), (long) (k + 1) * bases.length + 1, table.columns(), k + " coalitions × "
                + bases.length + " baseline rows");
        int[][] columns = TabularBaselines.columnsOf(table);
        double[][] chol = coalitions.factor();
        int size = inputs.sampleSize();
        float[] x = inputs.values();
        float[] out = new float[x.length];
        List<Map<String, Double>> metrics = new ArrayList<>();
        for (int i = 0; i < inputs.n(); i++) {
            int offset = i * size;
            double[] y = new double[k];
            double[] empty = new double[1];
            int per = k + 1;
            int references = bases.length;
            Batches.targetLogits(model, inputs, per * references, targets[i], (row, into, o) -> {
                System.arraycopy(bases[row / per], 0, into, o, size);
                int c = row % per;
                if (c < k) {
                    BitSet members = coalitions.members().get(c);
                    for (int g = members.nextSetBit(0); g >= 0; g = members.nextSetBit(g + 1)) {
                        for (int col : columns[g]) {
                            into[o + col] = x[offset + col];
                        }
                    }
                }
            }, (row, v) -> {
                int c = row % per;
                if (c < k) {
                    y[c] += v / references;
                } else {
                    empty[0] += v / references;
                }
            });
            double fx = Batches.targetLogits(model, inputs.sample(i), new int[] {targets[i]})[0];
            double[] phi = coalitions.solve(chol, y, empty[0], fx);
            TabularBaselines.spread(phi, columns, x, offset, bases, out);
            double sum = 0;
            for (int p = 0; p < size; p++) {
                sum += out[offset + p];
            }
            Map<String, Double> m = new HashMap<>(IntegratedGradients.completeness(sum, fx - empty[0]));
            m.put("coalitions", (double) k);
            m.put("exact", coalitions.exact() ? 1.0 : 0.0);
            metrics.add(Map.copyOf(m));
        }
        return new Attribution(inputs, out, metrics);
    }

    /**
     * The coalitions of M players a fit runs on (members present), with their weights; {@code exact}
     * when they are all 2^M − 2 coalitions besides the empty and the full one, at the kernel's weights.
     */
    record Coalitions(int players, List<BitSet> members, double[] weights, boolean exact) {

        static Coalitions of(int players, int samples, long seed) {
            List<BitSet> members = new ArrayList<>();
            if (players <= 30 && (1L << players) - 2 <= samples) {
                int all = (1 << players) - 2;
                double[] weights = new double[all];
                for (int mask = 1; mask <= all; mask++) {
                    members.add(BitSet.valueOf(new long[] {mask}));
                    weights[mask - 1] = kernel(players, Integer.bitCount(mask));
                }
                return new Coalitions(players, members, weights, true);
            }
            double[] cumulative = new double[players - 1];
            double total = 0;
            for (int s = 1; s < players; s++) {
                total += 1.0 / ((double) s * (players - s));
                cumulative[s - 1] = total;
            }
            Random r = new Random(seed);
            int[] order = new int[players];
            for (int j = 0; j < players; j++) {
                order[j] = j;
            }
            while (members.size() < samples) {
                double u = r.nextDouble() * total;
                int s = 1;
                while (s < players - 1 && cumulative[s - 1] < u) {
                    s++;
                }
                BitSet in = new BitSet(players);
                for (int j = 0; j < s; j++) {
                    int pick = j + r.nextInt(players - j);
                    int swap = order[j];
                    order[j] = order[pick];
                    order[pick] = swap;
                    in.set(order[j]);
                }
                members.add(in);
                if (members.size() < samples) {
                    BitSet out = (BitSet) in.clone();
                    out.flip(0, players);
                    members.add(out);
                }
            }
            double[] weights = new double[members.size()];
            Arrays.fill(weights, 1.0);
            return new Coalitions(players, members, weights, false);
        }

        /** The Shapley kernel's weight of one coalition of {@code s} of {@code m} players. */
        static double kernel(int m, int s) {
            double binomial = 1;
            for (int j = 1; j <= s; j++) {
                binomial = binomial * (m - s + j) / j;
            }
            return (m - 1) / (binomial * s * (m - s));
        }

        int size() {
            return members.size();
        }

        /**
         * The regressors of coalition {@code c} once the last player's value is eliminated
         * ({@code φ_last = Δ − Σ φ_j}): +1 on its members when the last player is out; −1 on the players
         * outside it when the last player is in. Answers the indices; {@link #sign} their sign.
         */
        private int[] regressors(int c) {
            int last = players - 1;
            BitSet m = members.get(c);
            BitSet on = (BitSet) m.clone();
            if (m.get(last)) {
                on.flip(0, players);
            }
            on.clear(last);
            return on.stream().toArray();
        }

        private int sign(int c) {
            return members.get(c).get(players - 1) ? -1 : 1;
        }

        /** The Cholesky factor (lower) of the normal equations' matrix, with a ridge of 1e-10 of its largest diagonal term. */
        double[][] factor() {
            int u = players - 1;
            double[][] a = new double[u][u];
            for (int c = 0; c < size(); c++) {
                int[] idx = regressors(c);
                double w = weights[c];
                for (int p = 0; p < idx.length; p++) {
                    double[] rowP = a[idx[p]];
                    for (int q = 0; q <= p; q++) {
                        rowP[idx[q]] += w;
                    }
                }
            }
            double largest = 0;
            for (int p = 0; p < u; p++) {
                largest = Math.max(largest, a[p][p]);
            }
            double ridge = largest > 0 ? 1e-10 * largest : 1.0;
            for (int p = 0; p < u; p++) {
                a[p][p] += ridge;
            }
            // in place: the lower triangle becomes L with A = L·Lᵀ
            for (int j = 0; j < u; j++) {
                double d = a[j][j];
                for (int q = 0; q < j; q++) {
                    d -= a[j][q] * a[j][q];
                }
                double ljj = Math.sqrt(Math.max(d, ridge));
                a[j][j] = ljj;
                for (int p = j + 1; p < u; p++) {
                    double s = a[p][j];
                    for (int q = 0; q < j; q++) {
                        s -= a[p][q] * a[j][q];
                    }
                    a[p][j] = s / ljj;
                }
            }
            return a;
        }

        /** The players' values from the coalitions' values {@code y}, the empty one's and the full one's. */
        double[] solve(double[][] chol, double[] y, double empty, double full) {
            double delta = full - empty;
            double[] phi = new double[players];
            if (players == 1) {
                phi[0] = delta;
                return phi;
            }
            int u = players - 1;
            double[] rhs = new double[u];
            for (int c = 0; c < size(); c++) {
                int sign = sign(c);
                double target = y[c] - empty - (sign < 0 ? delta : 0);
                double w = weights[c] * sign * target;
                for (int p : regressors(c)) {
                    rhs[p] += w;
                }
            }
            double[] z = new double[u];
            for (int p = 0; p < u; p++) {
                double s = rhs[p];
                for (int q = 0; q < p; q++) {
                    s -= chol[p][q] * z[q];
                }
                z[p] = s / chol[p][p];
            }
            double rest = delta;
            for (int p = u - 1; p >= 0; p--) {
                double s = z[p];
                for (int q = p + 1; q < u; q++) {
                    s -= chol[q][p] * phi[q];
                }
                phi[p] = s / chol[p][p];
            }
            for (int p = 0; p < u; p++) {
                rest -= phi[p];
            }
            phi[u] = rest;
            return phi;
        }
    }
}
