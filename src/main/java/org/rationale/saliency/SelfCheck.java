package org.rationale.saliency;

import org.rationale.explain.ExplainableModel;

import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;

/**
 * How a worker checks its engine while computing maps: each map is computed a second time with
 * probability {@code rate} (the picked maps of a batch together, in one smaller batch of their own:
 * methods are batch-independent) and the two must agree within float16 rounding, the precision maps are stored in ({@link MapEncoding}). A
 * disagreement means the engine answered wrongly at least once: the whole batch is stored flagged
 * and the worker stops. {@code model} is how the worker reaches its leased model (the identity;
 * tests put a deliberately faulty model in between).
 */
public record SelfCheck(double rate, RandomGenerator random, UnaryOperator<ExplainableModel> model) {

    /** Largest difference of two stored values, relative to the larger, that float16 rounding explains (one half ulp each way). */
    static final double RELATIVE = 0x1p-10;
    /** Difference, relative to the map's largest magnitude, below which values near zero agree. */
    static final double FLOOR = 0x1p-11;

    public SelfCheck {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException("self-check rate must be between 0 and 1, not " + rate);
        }
    }

    /** No map is computed twice. */
    public static SelfCheck off() {
        return new SelfCheck(0, RandomGenerator.getDefault(), UnaryOperator.identity());
    }

    /** Whether this map is to be computed again. */
    boolean picks() {
        return rate > 0 && (rate >= 1 || random.nextDouble() < rate);
    }

    /**
     * How two computations of one map differ beyond float16 rounding, in words; empty when they
     * agree. Both are rounded to float16 first, as they would be stored.
     */
    static Optional<String> disagreement(float[] first, float[] second) {
        float[] a = MapEncoding.rounded(first);
        float[] b = MapEncoding.rounded(second);
        double scale = 0;
        for (int i = 0; i < a.length; i++) {
            scale = Math.max(scale, Math.max(Math.abs(a[i]), Math.abs(b[i])));
        }
        int differing = 0;
        double largest = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs(a[i] - b[i]);
            if (d > RELATIVE * Math.max(Math.abs(a[i]), Math.abs(b[i])) + FLOOR * scale) {
                differing++;
                largest = Math.max(largest, d);
            }
        }
        if (differing == 0) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.US, "%d of %d values differed, the largest by %.3g (%.1f %% of the "
                + "map's largest value)", differing, a.length, largest, scale == 0 ? 100.0 : 100 * largest / scale));
    }
}
