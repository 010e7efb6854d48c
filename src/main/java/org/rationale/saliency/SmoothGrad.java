package org.rationale.saliency;

import org.rationale.explain.ExplainableModel;
import org.rationale.explain.InputBatch;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * SmoothGrad (Smilkov et al. 2017): the mean of another gradient method's attributions over noisy
 * copies of the input. {@code noise} is the Gaussian standard deviation as a fraction of each
 * channel's value range; the noise is drawn from {@code seed}, so a call is repeatable.
 */
public final class SmoothGrad implements AttributionMethod {

    static final List<String> WRAPPED = List.of("vanilla-gradient", "gradient-x-input", "integrated-gradients");

    private final Map<String, AttributionMethod> inner;

    public SmoothGrad() {
        this.inner = Map.of("vanilla-gradient", new VanillaGradient(), "gradient-x-input", new GradientTimesInput(),
                "integrated-gradients", new IntegratedGradients());
    }

    @Override
    public String name() {
        return "smoothgrad";
    }

    @Override
    public MethodParameters.Spec parameters() {
        return new MethodParameters.Spec()
                .integer("samples", 25, 1, 1000)
                .decimal("noise", 0.15, 0.0, 1.0)
                .choice("method", "vanilla-gradient", WRAPPED)
                .integer("seed", 0, 0, Integer.MAX_VALUE);
    }

    @Override
    public Attribution attribute(ExplainableModel model, InputBatch inputs, int[] targets, MethodParameters params) {
        int samples = params.integer("samples");
        double noise = params.decimal("noise");
        AttributionMethod method = inner.get(params.text("method"));
        MethodParameters innerParams = method.parameters(model.tabular().isPresent()).bind(method.name(), Map.of());
        float[] lo = model.black();
        float[] hi = model.white();
        int n = inputs.n();
        int size = inputs.sampleSize();
        int hw = inputs.height() * inputs.width();
        // every sample draws from a stream of its own seeded alike, so a map does not depend on its batch
        Random[] rng = new Random[n];
        for (int i = 0; i < n; i++) {
            rng[i] = new Random(params.integer("seed"));
        }
        double[] sum = new double[inputs.values().length];
        float[] noisy = new float[inputs.values().length];
        for (int s = 0; s < samples; s++) {
            for (int i = 0; i < n; i++) {
                for (int p = 0; p < size; p++) {
                    int c = p / hw;
                    double sigma = noise * (hi[c] - lo[c]);
                    noisy[i * size + p] = (float) (inputs.values()[i * size + p] + sigma * rng[i].nextGaussian());
                }
            }
            float[] a = method.attribute(model, inputs.with(n, noisy.clone()), targets, innerParams).values();
            for (int p = 0; p < a.length; p++) {
                sum[p] += a[p];
            }
        }
        float[] out = new float[sum.length];
        for (int p = 0; p < out.length; p++) {
            out[p] = (float) (sum[p] / samples);
        }
        return Attribution.withoutMetrics(inputs, out);
    }
}
