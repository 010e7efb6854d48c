package org.rationale.saliency;

import org.rationale.explain.UnsupportedMethodException;

import java.util.Map;
import java.util.Optional;

/**
 * What the methods made for table models alone share (KernelSHAP, Shapley value sampling): they
 * sum to f(x) − f(baseline), take the table baselines, and refuse an image model — when listed, and
 * with a 422 rather than a word on their parameters when asked for one.
 */
abstract class TableOnlyMethod implements AttributionMethod {

    /** The method's name in sentences, e.g. {@code KernelSHAP}. */
    abstract String label();

    @Override
    public boolean satisfiesCompleteness() {
        return true;
    }

    @Override
    public Optional<String> refusal(boolean supportsCam, boolean tabular) {
        return tabular ? Optional.empty() : Optional.of(TabularBaselines.imagesRefused(label()));
    }

    @Override
    public MethodParameters bind(Map<String, String> given, boolean tabular) {
        if (!tabular) {
            throw new UnsupportedMethodException(TabularBaselines.imagesRefused(label()));
        }
        return AttributionMethod.super.bind(given, true);
    }
}
