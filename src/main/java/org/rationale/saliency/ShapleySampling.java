package org.rationale.saliency;

import org.rationale.explain.ExplainableModel;
import org.rationale.explain.InputBatch;
import org.rationale.explain.TabularInput;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Shapley value sampling (Castro et al. 2009; Captum's {@code ShapleyValueSampling}) over the
 * features of a table model: for each of {@code samples} random orders of the features (seeded; order
 * p depends only on the seed and p), the features are switched from the baseline's values to the
 * row's one after another and each is credited with the change of the target logit it caused. A
 * feature's attribution is its mean credit. Each order's credits sum to f(x) − f(baseline) exactly,
 * so their mean does too; with baseline {@code sample} the orders run from every reference row and
 * the sum is f(x) − mean over the rows of f(row). Takes samples × features × baseline rows model
 * evaluations a row, at most {@value TabularBaselines#MAX_EVALUATIONS}. Each feature's value is spread
 * over its columns ({@link TabularBaselines#spread}).
 */
public final class ShapleySampling extends TableOnlyMethod {

    ShapleySampling() {
        super("shapley-sampling", "Shapley value sampling", 25, 1, 1000);
    }

    @Override
    public Attribution attribute(ExplainableModel model, InputBatch inputs, int[] targets, MethodParameters params) {
        TabularInput table = table(model);
        int players = table.features().size();
        int orders = params.integer("samples");
        long seed = params.integer("seed");
        float[][] bases = TabularBaselines.rows(params, table, name());
        int references = bases.length;
        TabularBaselines.requireBounded(name(), (long) orders * players * references + references, table.columns(),
                orders + " orders × " + players + " features × " + references + " baseline rows");
        int[][] columns = TabularBaselines.columnsOf(table);
        int size = inputs.sampleSize();
        float[] x = inputs.values();
        float[] out = new float[x.length];
        List<Map<String, Double>> metrics = new ArrayList<>();
        // per baseline row: the row itself, then every order's steps
        int per = 1 + orders * players;
        for (int i = 0; i < inputs.n(); i++) {
            int offset = i * size;
            double[] phi = new double[players];
            double[] start = new double[references];
            float[] current = new float[size];
            int[][] writing = new int[1][];
            int[][] crediting = new int[1][];
            double[] previous = new double[1];
            Batches.targetLogits(model, inputs, per * references, targets[i], (row, into, o) -> {
                int r = row / per;
                int j = row % per;
                int k = (j - 1) % players;
                if (j == 0 || k == 0) {
                    System.arraycopy(bases[r], 0, current, 0, size);
                }
                if (j > 0) {
                    if (k == 0) {
                        writing[0] = order(players, seed, (j - 1) / players);
                    }
                    for (int col : columns[writing[0][k]]) {
                        current[col] = x[offset + col];
                    }
                }
                System.arraycopy(current, 0, into, o, size);
            }, (row, v) -> {
                int r = row / per;
                int j = row % per;
                if (j == 0) {
                    start[r] = v;
                    return;
                }
                int k = (j - 1) % players;
                if (k == 0) {
                    crediting[0] = order(players, seed, (j - 1) / players);
                    previous[0] = start[r];
                }
                phi[crediting[0][k]] += v - previous[0];
                previous[0] = v;
            });
            double baseline = 0;
            for (int r = 0; r < references; r++) {
                baseline += start[r] / references;
            }
            for (int g = 0; g < players; g++) {
                phi[g] /= (double) orders * references;
            }
            TabularBaselines.spread(phi, columns, x, offset, bases, out);
            double fx = Batches.targetLogits(model, inputs.sample(i), new int[] {targets[i]})[0];
            double sum = 0;
            for (int p = 0; p < size; p++) {
                sum += out[offset + p];
            }
            metrics.add(IntegratedGradients.completeness(sum, fx - baseline));
        }
        return new Attribution(inputs, out, metrics);
    }

    /** Order {@code p} of the players: a shuffle drawn from a stream of its own, so it does not depend on the batch. */
    static int[] order(int players, long seed, int p) {
        int[] o = new int[players];
        for (int j = 0; j < players; j++) {
            o[j] = j;
        }
        Random r = new Random(seed * 1_000_003L + p);
        for (int j = players - 1; j > 0; j--) {
            int pick = r.nextInt(j + 1);
            int swap = o[j];
            o[j] = o[pick];
            o[pick] = swap;
        }
        return o;
    }
}
