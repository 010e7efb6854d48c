package org.rationale.scheduler;

import org.rationale.error.Invalid;


/**
 * Weights of the hybrid score (disagreement, uncertainty, red flag) and how strongly a batch is
 * spread over different maps (diversity, 0 = not at all). Defaults favour disagreement.
 */
public record Weights(double disagreement, double uncertainty, double redFlag, double diversity) {

    public static final Weights DEFAULT = new Weights(0.5, 0.2, 0.3, 1.0);

    /** Null fields take the defaults; negative or all-zero score weights are a 400. */
    public static Weights of(Double disagreement, Double uncertainty, Double redFlag, Double diversity) {
        Weights w = new Weights(or(disagreement, DEFAULT.disagreement), or(uncertainty, DEFAULT.uncertainty),
                or(redFlag, DEFAULT.redFlag), or(diversity, DEFAULT.diversity));
        for (double v : new double[] {w.disagreement, w.uncertainty, w.redFlag, w.diversity}) {
            if (!(v >= 0 && v <= 100)) {
                throw new Invalid("Invalid weight " + v, "Weights must be between 0 and 100");
            }
        }
        if (w.disagreement + w.uncertainty + w.redFlag <= 0) {
            throw new Invalid("All weights are zero", "Give disagreement, uncertainty or redFlag a weight");
        }
        return w;
    }

    private static double or(Double v, double d) {
        return v == null ? d : v;
    }
}
