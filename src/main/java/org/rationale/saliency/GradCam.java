package org.rationale.saliency;

import java.util.Arrays;
import org.rationale.explain.UnsupportedMethodException;
import org.rationale.explain.ExplainableModel;
import org.rationale.explain.InputBatch;

import java.util.Optional;

/**
 * Grad-CAM (Selvaraju et al. 2017) and Grad-CAM++ (Chattopadhyay et al. 2018) on the model's
 * features/classifier split: a weighted sum of the feature maps, ReLU, bilinearly upsampled to the
 * input (align_corners = false, as PyTorch's interpolate) and repeated over the input channels.
 */
public final class GradCam implements AttributionMethod {

    private final boolean plusPlus;

    private GradCam(boolean plusPlus) {
        this.plusPlus = plusPlus;
    }

    public static GradCam gradCam() {
        return new GradCam(false);
    }

    public static GradCam gradCamPlusPlus() {
        return new GradCam(true);
    }

    /** One plane repeated over the input channels. */
    @Override
    public boolean repeatsOverChannels() {
        return true;
    }

    @Override
    public String name() {
        return plusPlus ? "grad-cam-plus-plus" : "grad-cam";
    }

    @Override
    public MethodParameters.Spec parameters() {
        return new MethodParameters.Spec();
    }

    @Override
    public Optional<String> refusal(boolean supportsCam, boolean tabular) {
        return supportsCam ? Optional.empty() : Optional.of(name() + " needs the model uploaded as two traced parts "
                + "(features and classifier); this model has only the whole network");
    }

    @Override
    public Optional<String> refusalOnRows() {
        return Optional.of(name() + " weighs the activation maps of a convolutional layer; a table row has no "
                + "spatial layout. On rows use kernel-shap, shapley-sampling, integrated-gradients, occlusion, "
                + "gradient-x-input or vanilla-gradient");
    }

    @Override
    public Attribution attribute(ExplainableModel model, InputBatch inputs, int[] targets, MethodParameters params) {
        if (!model.supportsCam()) {
            throw new UnsupportedMethodException(refusal(false, model.tabular().isPresent()).orElseThrow());
        }
        int n = inputs.n();
        float[] out = new float[inputs.values().length];
        int step = Math.max(1, model.maxBatch());
        for (int start = 0; start < n; start += step) {
            int m = Math.min(step, n - start);
            InputBatch chunk = inputs.with(m, Arrays.copyOfRange(inputs.values(),
                    start * inputs.sampleSize(), (start + m) * inputs.sampleSize()));
            int[] t = Arrays.copyOfRange(targets, start, start + m);
            ExplainableModel.CamResult r = model.camGradient(chunk, t);
            int hw = r.h() * r.w();
            for (int i = 0; i < m; i++) {
                float[] cam = new float[hw];
                for (int k = 0; k < r.k(); k++) {
                    int o = (i * r.k() + k) * hw;
                    double weight = plusPlus ? plusPlusWeight(r, o, hw) : mean(r.gradients(), o, hw);
                    for (int p = 0; p < hw; p++) {
                        cam[p] += (float) (weight * r.activations()[o + p]);
                    }
                }
                for (int p = 0; p < hw; p++) {
                    cam[p] = Math.max(0f, cam[p]);
                }
                float[] up = bilinear(cam, r.h(), r.w(), inputs.height(), inputs.width());
                int size = inputs.sampleSize();
                int ohw = inputs.height() * inputs.width();
                for (int c = 0; c < inputs.channels(); c++) {
                    System.arraycopy(up, 0, out, (start + i) * size + c * ohw, ohw);
                }
            }
        }
        return Attribution.withoutMetrics(inputs, out);
    }

    private static double mean(float[] v, int o, int len) {
        double s = 0;
        for (int p = 0; p < len; p++) {
            s += v[o + p];
        }
        return s / len;
    }

    /** Grad-CAM++ weight of one feature map, with the exponential-output closed form for alpha. */
    private static double plusPlusWeight(ExplainableModel.CamResult r, int o, int hw) {
        double sumA = 0;
        for (int p = 0; p < hw; p++) {
            sumA += r.activations()[o + p];
        }
        double weight = 0;
        for (int p = 0; p < hw; p++) {
            double g = r.gradients()[o + p];
            double g2 = g * g;
            double denom = 2 * g2 + sumA * g2 * g;
            double alpha = denom != 0 ? g2 / denom : 0;
            weight += alpha * Math.max(0, g);
        }
        return weight;
    }

    /** Bilinear resize with align_corners = false (PyTorch's default). */
    static float[] bilinear(float[] src, int sh, int sw, int dh, int dw) {
        float[] out = new float[dh * dw];
        double sy = (double) sh / dh;
        double sx = (double) sw / dw;
        for (int y = 0; y < dh; y++) {
            double fy = Math.max(0, (y + 0.5) * sy - 0.5);
            int y0 = Math.min((int) fy, sh - 1);
            int y1 = Math.min(y0 + 1, sh - 1);
            double ly = fy - y0;
            for (int x = 0; x < dw; x++) {
                double fx = Math.max(0, (x + 0.5) * sx - 0.5);
                int x0 = Math.min((int) fx, sw - 1);
                int x1 = Math.min(x0 + 1, sw - 1);
                double lx = fx - x0;
                out[y * dw + x] = (float) ((1 - ly) * ((1 - lx) * src[y0 * sw + x0] + lx * src[y0 * sw + x1])
                        + ly * ((1 - lx) * src[y1 * sw + x0] + lx * src[y1 * sw + x1]));
            }
        }
        return out;
    }
}
