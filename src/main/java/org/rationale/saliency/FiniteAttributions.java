package org.rationale.saliency;

import org.jboss.logging.Logger;
import org.rationale.error.Unavailable;
import org.rationale.explain.ExplainableModel;
import org.rationale.explain.InputBatch;

import java.util.function.Supplier;

/**
 * Runs an attribution method until its answer is finite: libtorch on some hosts answers a gradient
 * call wrongly now and then (see docs/benchmarks.md), so a map with a NaN or an infinity is computed
 * again; a map that is not finite {@link #FINITE_ATTEMPTS} times is an {@link Unavailable} error,
 * never stored.
 */
final class FiniteAttributions {

    private static final Logger LOG = Logger.getLogger(FiniteAttributions.class);

    /** How many times a method runs before a map that keeps coming back non-finite is an error. */
    static final int FINITE_ATTEMPTS = 4;

    private FiniteAttributions() {
    }

    /** The method's attributions of a batch, computed again while an answer is not finite. */
    static Attribution attribute(AttributionMethod method, ExplainableModel model, InputBatch x, int[] targets,
                                 MethodParameters params) {
        return finiteOrAgain(method.name(), () -> method.attribute(model, x, targets, params));
    }

    static Attribution finiteOrAgain(String name, Supplier<Attribution> compute) {
        for (int attempt = 1; attempt <= FINITE_ATTEMPTS; attempt++) {
            Attribution a = compute.get();
            if (finite(a.values())) {
                return a;
            }
            LOG.warnf("%s returned non-finite attributions (attempt %d of %d)", name, attempt, FINITE_ATTEMPTS);
        }
        throw new Unavailable("The engine returned an invalid map", name + " returned NaN or infinite attributions "
                + FINITE_ATTEMPTS + " times; nothing was stored. Try again");
    }

    private static boolean finite(float[] values) {
        for (float v : values) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
