package org.rationale.saliency;

import java.util.Locale;
import java.util.Optional;

/**
 * Whether a map carries any signal. A map has none when every stored value is zero (float16 holds
 * nothing below about 6e-8, so a map whose every value is smaller is zero once stored) or when its
 * values are all equal: their spread (max − min) is at most {@link #CONSTANT_SPREAD} of the largest
 * magnitude, i.e. within float16 rounding. Such a map points at nothing; it cannot be judged and a
 * sanity check on it proves nothing. Computed from the stored minimum and maximum, so it is the
 * same on read, in SQL ({@link MapStore}) and here.
 */
public final class MapSignal {

    /** Spread relative to the largest magnitude at or below which a map counts as constant (float16 keeps 2^-11). */
    public static final double CONSTANT_SPREAD = 0x1p-10;

    private MapSignal() {
    }

    /** Why a map with these stored extremes has no signal, in words; empty when it has one. */
    public static Optional<String> missing(double min, double max) {
        if (min == 0 && max == 0) {
            return Optional.of("every value is zero");
        }
        double magnitude = Math.max(Math.abs(min), Math.abs(max));
        if (max - min <= CONSTANT_SPREAD * magnitude) {
            return Optional.of("every value is the same (" + String.format(Locale.US, "%.3g", max) + ")");
        }
        return Optional.empty();
    }

    /** The same for raw values: rounded to float16 as they would be stored, then judged. */
    static Optional<String> missing(float[] values, int from, int count) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = from; i < from + count; i++) {
            float v = MapEncoding.fromHalf(MapEncoding.toHalf(values[i]));
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        return count == 0 ? Optional.of("it is empty") : missing(min, max);
    }
}
