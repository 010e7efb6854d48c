package org.rationale.saliency;

import org.rationale.explain.ExplainableModel;
import org.rationale.explain.TabularInput;
import org.rationale.explain.UnsupportedMethodException;

import java.util.Map;
import java.util.Optional;

/**
 * What the methods made for table models alone share (KernelSHAP, Shapley value sampling): they
 * sum to f(x) − f(baseline), take the table baselines beside a number of {@code samples}, and
 * refuse an image model — when listed, with a 422 rather than a word on their parameters when
 * asked for one, and when run on one.
 */
abstract class TableOnlyMethod implements AttributionMethod {

    private final String name;
    private final String label;
    private final int samples;
    private final int fewestSamples;
    private final int mostSamples;

    /**
     * @param name    the method's name in the API, e.g. {@code kernel-shap}
     * @param label   its name in sentences, e.g. {@code KernelSHAP}
     * @param samples the default of its {@code samples} parameter, taken from fewestSamples to mostSamples
     */
    TableOnlyMethod(String name, String label, int samples, int fewestSamples, int mostSamples) {
        this.name = name;
        this.label = label;
        this.samples = samples;
        this.fewestSamples = fewestSamples;
        this.mostSamples = mostSamples;
    }

    @Override
    public final String name() {
        return name;
    }

    /** The method's name in sentences, e.g. {@code KernelSHAP}. */
    final String label() {
        return label;
    }

    @Override
    public final MethodParameters.Spec parameters() {
        return TabularBaselines.declare(new MethodParameters.Spec().integer("samples", samples, fewestSamples, mostSamples));
    }

    /** The model's table input; a 422 in the method's words when it takes images. */
    final TabularInput table(ExplainableModel model) {
        return TabularBaselines.of(model, label);
    }

    @Override
    public boolean satisfiesCompleteness() {
        return true;
    }

    @Override
    public Optional<String> refusal(boolean supportsCam, boolean tabular) {
        return tabular ? Optional.empty() : Optional.of(TabularBaselines.imagesRefused(label));
    }

    @Override
    public MethodParameters bind(Map<String, String> given, boolean tabular) {
        if (!tabular) {
            throw new UnsupportedMethodException(TabularBaselines.imagesRefused(label));
        }
        return AttributionMethod.super.bind(given, true);
    }
}
