package org.rationale.saliency;

import org.rationale.explain.ExplainableModel;
import org.rationale.explain.InputBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Integrated Gradients (Sundararajan et al. 2017): {@code (x − b) · mean_k ∇f(b + α_k (x − b))}
 * with the Riemann midpoint rule {@code α_k = (k + ½)/steps}, all steps of all samples batched
 * together. Reports the completeness gap: how far the attributions' sum is from f(x) − f(b).
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
                .integer("seed", 0, 0, Integer.MAX_VALUE);
    }

    @Override
    public boolean satisfiesCompleteness() {
        return true;
    }

    @Override
    public Attribution attribute(ExplainableModel model, InputBatch inputs, int[] targets, MethodParameters params) {
        int steps = params.integer("steps");
        float[] base = Baselines.of(params.text("baseline"), model, inputs, params.integer("seed"));
        int size = inputs.sampleSize();
        int n = inputs.n();
        float[] x = inputs.values();
        double[] sums = new double[x.length];
        // rows ordered sample-major so that one chunk holds consecutive steps
        int total = n * steps;
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
        float[] attr = new float[x.length];
        for (int p = 0; p < x.length; p++) {
            attr[p] = (float) ((x[p] - base[p]) * sums[p] / steps);
        }
        double[] fx = Batches.targetLogits(model, inputs, targets);
        double[] fb = Batches.targetLogits(model, inputs.with(n, base), targets);
        List<Map<String, Double>> metrics = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int p = 0; p < size; p++) {
                s += attr[i * size + p];
            }
            double delta = fx[i] - fb[i];
            double gap = Math.abs(s - delta);
            metrics.add(Map.of("completenessGap", gap,
                    "completenessGapRelative", gap / Math.max(Math.abs(delta), 1e-12),
                    "attributionSum", s, "outputDelta", delta));
        }
        return new Attribution(inputs, attr, metrics);
    }
}
