package org.rationale.saliency;

import org.rationale.error.Invalid;
import org.rationale.explain.ExplainableModel;
import org.rationale.explain.InputBatch;
import org.rationale.explain.TabularInput;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Integrated Gradients (Sundararajan et al. 2017): {@code (x − b) · mean_k ∇f(b + α_k (x − b))}
 * with the Riemann midpoint rule {@code α_k = (k + ½)/steps}, all steps of all samples batched
 * together. Reports the completeness gap: how far the attributions' sum is from f(x) − f(b).
 * An image model's baseline is black, blur or noise ({@link Baselines}); a table model's is zeros,
 * its training mean (the default) or {@code sample}: the attributions averaged over up to
 * {@code references} training rows ({@link TabularBaselines}), expected-gradients style, whose sum
 * then reads f(x) − mean over the rows of f(row).
 */
public final class IntegratedGradients implements AttributionMethod {

    @Override
    public String name() {
        return "integrated-gradients";
    }

    @Override
    public MethodParameters.Spec parameters() {
        return new MethodParameters.Spec()
                .integer("steps", 32, 1, 1024)
                .choice("baseline", "black", Baselines.NAMES)
                .misplaced("baseline", TabularBaselines.NAMES, TabularBaselines.FOR_TABLES)
                .integer("seed", 0, 0, Integer.MAX_VALUE);
    }

    @Override
    public MethodParameters.Spec parameters(boolean tabular) {
        return tabular ? TabularBaselines.declare(new MethodParameters.Spec().integer("steps", 32, 1, 1024)) : parameters();
    }

    @Override
    public boolean satisfiesCompleteness() {
        return true;
    }

    @Override
    public Attribution attribute(ExplainableModel model, InputBatch inputs, int[] targets, MethodParameters params) {
        int steps = params.integer("steps");
        int n = inputs.n();
        int size = inputs.sampleSize();
        float[] x = inputs.values();
        Optional<TabularInput> table = model.tabular();
        float[][] rows = table.isPresent() ? TabularBaselines.rows(params, table.get(), name()) : null;
        if (rows == null && !Baselines.NAMES.contains(params.text("baseline"))) {
            throw new Invalid("Invalid baseline '" + params.text("baseline") + "' for " + name(), "baseline '"
                    + params.text("baseline") + "' " + TabularBaselines.FOR_TABLES + "; baseline is one of: "
                    + String.join(", ", Baselines.NAMES));
        }
        int references = rows == null ? 1 : rows.length;
        if (rows != null) {
            TabularBaselines.requireBounded(name(), (long) steps * references, size, steps + " steps × " + references
                    + " baseline rows");
        }
        double[] attr = new double[x.length];
        double[] fb = new double[n];
        for (int r = 0; r < references; r++) {
            float[] base = rows == null ? Baselines.of(params.text("baseline"), model, inputs, params.integer("seed"))
                    : repeated(rows[r], n);
            double[] sums = pathGradientSums(model, inputs, targets, steps, base);
            for (int p = 0; p < x.length; p++) {
                attr[p] += (x[p] - base[p]) * sums[p] / steps / references;
            }
            double[] f = Batches.targetLogits(model, inputs.with(n, base), targets);
            for (int i = 0; i < n; i++) {
                fb[i] += f[i] / references;
            }
        }
        float[] out = new float[x.length];
        for (int p = 0; p < x.length; p++) {
            out[p] = (float) attr[p];
        }
        double[] fx = Batches.targetLogits(model, inputs, targets);
        List<Map<String, Double>> metrics = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int p = 0; p < size; p++) {
                s += out[i * size + p];
            }
            metrics.add(completeness(s, fx[i] - fb[i]));
        }
        return new Attribution(inputs, out, metrics);
    }

    /** The completeness figures of one sample: its attributions' sum against f(x) − f(baseline). */
    static Map<String, Double> completeness(double sum, double delta) {
        double gap = Math.abs(sum - delta);
        return Map.of("completenessGap", gap, "completenessGapRelative", gap / Math.max(Math.abs(delta), 1e-12),
                "attributionSum", sum, "outputDelta", delta);
    }

    /** Sum over the steps of the gradients on the path from {@code base} to the inputs. */
    private static double[] pathGradientSums(ExplainableModel model, InputBatch inputs, int[] targets, int steps,
                                             float[] base) {
        int size = inputs.sampleSize();
        float[] x = inputs.values();
        double[] sums = new double[x.length];
        // rows ordered sample-major so that one chunk holds consecutive steps
        int total = inputs.n() * steps;
        int perChunk = Batches.evenChunk(total, model.maxBatch());
        for (int start = 0; start < total; start += perChunk) {
            int m = Math.min(perChunk, total - start);
            float[] path = new float[m * size];
            int[] t = new int[m];
            for (int r = 0; r < m; r++) {
                int row = start + r;
                int i = row / steps;
                double alpha = (row % steps + 0.5) / steps;
                int o = i * size;
                for (int p = 0; p < size; p++) {
                    path[r * size + p] = (float) (base[o + p] + alpha * (x[o + p] - base[o + p]));
                }
                t[r] = targets[i];
            }
            float[] g = model.gradient(inputs.with(m, path), t).gradient();
            for (int r = 0; r < m; r++) {
                int o = ((start + r) / steps) * size;
                for (int p = 0; p < size; p++) {
                    sums[o + p] += g[r * size + p];
                }
            }
        }
        return sums;
    }

    /** One baseline row for each of {@code n} samples. */
    private static float[] repeated(float[] row, int n) {
        float[] out = new float[n * row.length];
        for (int i = 0; i < n; i++) {
            System.arraycopy(row, 0, out, i * row.length, row.length);
        }
        return out;
    }
}
