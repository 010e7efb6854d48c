package org.rationale.saliency;

import org.rationale.explain.RandomizableModel;
import org.rationale.explain.ExplainableModel;
import org.rationale.explain.InputBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The model-parameter randomisation test (Adebayo et al. 2018, "Sanity Checks for Saliency Maps"):
 * randomise the layers of a model copy from the top down and compare each method's maps with the
 * trained model's by Spearman rank correlation of their absolute values. A method whose maps
 * barely change when the weights they claim to explain are gone fails. When a map of the trained
 * model has no signal ({@link MapSignal}: all zero or constant) there is nothing to compare: the
 * method is then {@link #INCONCLUSIVE}, never passed (an all-zero Grad-CAM once "passed" with
 * similarity 0.00). A map that loses its signal only under randomised weights did depend on the
 * weights: it counts as similarity 0 and the method is judged as usual.
 */
public final class SanityCheck {

    /** Mean Spearman similarity above which, after randomising every layer, a method fails. */
    public static final double THRESHOLD = 0.5;

    /** The verdicts: the maps depend on the weights, they barely do, or the maps had no signal to compare. */
    public static final String PASSED = "passed";
    public static final String FAILED = "failed";
    public static final String INCONCLUSIVE = "inconclusive";

    private SanityCheck() {
    }

    /**
     * Similarity after each cascade step, and the verdict; {@code passed} only when the verdict is
     * {@link #PASSED}; {@code noSignal} says which maps had no signal when the verdict is
     * {@link #INCONCLUSIVE}. A result stored before verdicts existed reads as passed or failed, except
     * a pass with a similarity of exactly 0 at every step, which only maps without signal give.
     */
    public record Result(String method, Map<String, Double> similarityByLayer, double finalSimilarity, boolean passed,
                         int samples, double threshold, String verdict, String noSignal) {
        public Result {
            if (verdict == null) {
                boolean allZero = similarityByLayer != null && !similarityByLayer.isEmpty()
                        && similarityByLayer.values().stream().allMatch(v -> v != null && v == 0.0);
                if (passed && allZero) {
                    verdict = INCONCLUSIVE;
                    passed = false;
                    noSignal = "every rank correlation was undefined: the maps compared had no signal "
                            + "(checked before such maps were detected)";
                } else {
                    verdict = passed ? PASSED : FAILED;
                }
            }
        }

        /** True when the maps had no signal to compare: neither passed nor failed. */
        public boolean inconclusive() {
            return INCONCLUSIVE.equals(verdict);
        }
    }

    /**
     * @param trained the trained model
     * @param copy    a copy the check may randomise (and the caller closes)
     */
    public static Result run(AttributionMethod method, MethodParameters params, ExplainableModel trained,
                             RandomizableModel copy, InputBatch samples, int[] targets, long seed) {
        float[] reference = method.attribute(trained, samples, targets, params).values();
        Optional<String> noSignal = withoutSignal(reference, samples, "the trained model");
        Map<String, Double> byLayer = new LinkedHashMap<>();
        double last = Double.NaN;
        int step = 0;
        for (String layer : copy.layersFromTop()) {
            copy.randomize(layer, seed + step++);
            float[] randomized = method.attribute(copy, samples, targets, params).values();
            last = meanSpearman(reference, randomized, samples.n(), samples.sampleSize());
            byLayer.put(layer, last);
        }
        if (noSignal.isPresent()) {
            return new Result(method.name(), byLayer, last, false, samples.n(), THRESHOLD, INCONCLUSIVE,
                    noSignal.get());
        }
        boolean passed = !(last > THRESHOLD);
        return new Result(method.name(), byLayer, last, passed, samples.n(), THRESHOLD, passed ? PASSED : FAILED, null);
    }

    /** How many of the batch's maps have no signal, and why the first has none; empty when all have one. */
    static Optional<String> withoutSignal(float[] maps, InputBatch samples, String under) {
        int size = samples.sampleSize();
        int count = 0;
        String first = null;
        for (int i = 0; i < samples.n(); i++) {
            Optional<String> why = MapSignal.missing(maps, i * size, size);
            if (why.isPresent()) {
                count++;
                first = first == null ? why.get() : first;
            }
        }
        return count == 0 ? Optional.empty()
                : Optional.of(count + " of " + samples.n() + " maps under " + under + " have no signal (" + first + ")");
    }

    static double meanSpearman(float[] a, float[] b, int n, int size) {
        double sum = 0;
        int counted = 0;
        for (int i = 0; i < n; i++) {
            double[] x = new double[size];
            double[] y = new double[size];
            for (int p = 0; p < size; p++) {
                x[p] = Math.abs(a[i * size + p]);
                y[p] = Math.abs(b[i * size + p]);
            }
            double rho = spearman(x, y);
            // undefined when a map has no signal: the trained map has one (else the check is inconclusive),
            // so a randomised map without signal shares nothing of it
            sum += Double.isNaN(rho) ? 0 : rho;
            counted++;
        }
        return counted == 0 ? 0 : sum / counted;
    }

    /** Spearman's rho with average ranks for ties; NaN when one side is constant. */
    static double spearman(double[] x, double[] y) {
        double[] rx = ranks(x);
        double[] ry = ranks(y);
        double mx = Arrays.stream(rx).average().orElse(0);
        double my = Arrays.stream(ry).average().orElse(0);
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < rx.length; i++) {
            sxy += (rx[i] - mx) * (ry[i] - my);
            sxx += (rx[i] - mx) * (rx[i] - mx);
            syy += (ry[i] - my) * (ry[i] - my);
        }
        return sxx == 0 || syy == 0 ? Double.NaN : sxy / Math.sqrt(sxx * syy);
    }

    static double[] ranks(double[] v) {
        Integer[] idx = new Integer[v.length];
        for (int i = 0; i < v.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (p, q) -> Double.compare(v[p], v[q]));
        double[] r = new double[v.length];
        int i = 0;
        while (i < v.length) {
            int j = i;
            while (j + 1 < v.length && v[idx[j + 1]] == v[idx[i]]) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                r[idx[k]] = rank;
            }
            i = j + 1;
        }
        return r;
    }

    /** For tests and summaries: the layers a result went through, in order. */
    public static List<String> layers(Result r) {
        return new ArrayList<>(r.similarityByLayer().keySet());
    }
}
