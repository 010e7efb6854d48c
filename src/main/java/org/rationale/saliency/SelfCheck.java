package org.rationale.saliency;

import org.rationale.explain.ExplainableModel;

import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;

/**
 * How a worker checks its engine while computing maps: each batch of maps is computed a second
 * time with probability {@code rate}, the identical batch in the identical call (a smaller batch of
 * the same maps may legitimately come out different: a ReLU/max-pool network's input gradient is
 * discontinuous, and other kernels or reduction orders may tip it), and every map must agree with
 * its first computation within float16 rounding, the precision maps are stored in
 * ({@link MapEncoding}). Where two computations of the identical batch disagree, the engine
 * answered wrongly at least once: a third computation decides, and each map is stored as the
 * answer that two of the three agree on ({@link #settled}); a map on which no two agree is stored
 * flagged with the whole batch, and the worker stops. The worker counts every disagreement, checks
 * every batch for a while after one ({@link #WATCH_BATCHES}) and stops when they recur
 * ({@link #RECURRING}). {@code model} is how the worker reaches its leased model (the identity;
 * tests put a deliberately faulty model in between).
 */
public record SelfCheck(double rate, RandomGenerator random, UnaryOperator<ExplainableModel> model) {

    /** Largest difference of two stored values, relative to the larger, that float16 rounding explains (one half ulp each way). */
    static final double RELATIVE = 0x1p-10;
    /** Difference, relative to the map's largest magnitude, below which values near zero agree. */
    static final double FLOOR = 0x1p-11;
    /** After a disagreement, this many of the worker's next batches are all computed twice. */
    public static final int WATCH_BATCHES = 20;
    /**
     * Batches with a disagreement among the worker's last {@link #WATCH_BATCHES} checked batches
     * at which the engine counts as unreliable: a rare glitch is outvoted, a recurring one is not
     * trusted (two wrong answers that agree would win the vote).
     */
    public static final int RECURRING = 3;

    public SelfCheck {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException("self-check rate must be between 0 and 1, not " + rate);
        }
    }

    /** No map is computed twice. */
    public static SelfCheck off() {
        return new SelfCheck(0, RandomGenerator.getDefault(), UnaryOperator.identity());
    }

    /** Whether this batch is to be computed again. */
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

    /**
     * The map that two of three computations of it agree on (within float16 rounding): the first
     * when the third confirms it, else the second when the third confirms that; empty when no two
     * agree. The first two are known to disagree when this is asked.
     */
    static Optional<float[]> settled(float[] first, float[] second, float[] third) {
        if (disagreement(first, third).isEmpty()) {
            return Optional.of(first);
        }
        if (disagreement(second, third).isEmpty()) {
            return Optional.of(second);
        }
        return Optional.empty();
    }
}
