package org.rationale.scheduler;

/**
 * Uncertainty of a prediction from its class probabilities (Settles 2009): entropy normalised by
 * log K, margin between the two best classes, least confidence. Each is 0 for a certain
 * prediction and grows to 1 for a uniform one.
 */
public final class Uncertainty {

    private Uncertainty() {
    }

    public static double entropy(float[] p) {
        if (p.length < 2) {
            return 0;
        }
        double h = 0;
        for (float v : p) {
            if (v > 0) {
                h -= v * Math.log(v);
            }
        }
        return Math.max(0, Math.min(1, h / Math.log(p.length)));
    }

    /** 1 − (p₁ − p₂): 1 when the two best classes tie. */
    public static double margin(float[] p) {
        float first = 0;
        float second = 0;
        for (float v : p) {
            if (v > first) {
                second = first;
                first = v;
            } else if (v > second) {
                second = v;
            }
        }
        return 1 - (first - second);
    }

    /** (1 − p₁)·K/(K − 1): 1 for a uniform prediction. */
    public static double leastConfidence(float[] p) {
        if (p.length < 2) {
            return 0;
        }
        float first = 0;
        for (float v : p) {
            first = Math.max(first, v);
        }
        return Math.max(0, Math.min(1, (1 - first) * p.length / (p.length - 1.0)));
    }
}
