package org.rationale.model;


import org.rationale.error.Invalid;
import java.util.List;

/**
 * What a model expects: N×C×H×W float32 where each value is {@code (pixel · scale − mean[c]) / std[c]},
 * and the names of the classes its outputs stand for.
 */
public record InputSpec(String name, int channels, int height, int width, double scale, List<Double> mean,
                        List<Double> std, List<String> classes) {

    /** Checks a spec sent by a client; every problem is a 400 that names the field. */
    public InputSpec validated() {
        if (name == null || name.isBlank()) {
            throw new Invalid("Invalid model spec", "name is required");
        }
        if (channels != 1 && channels != 3) {
            throw new Invalid("Invalid model spec", "channels must be 1 or 3, got " + channels);
        }
        if (height <= 0 || width <= 0 || (long) height * width > 16_000_000) {
            throw new Invalid("Invalid model spec", "height and width must be positive, got " + height + "x" + width);
        }
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new Invalid("Invalid model spec", "scale must be a positive number");
        }
        if (mean == null || mean.size() != channels || std == null || std.size() != channels) {
            throw new Invalid("Invalid model spec", "mean and std need one value per channel (" + channels + ")");
        }
        if (std.stream().anyMatch(s -> s == null || !(s > 0))) {
            throw new Invalid("Invalid model spec", "std values must be positive");
        }
        if (mean.stream().anyMatch(m -> m == null || m.isNaN() || m.isInfinite())) {
            throw new Invalid("Invalid model spec", "mean values must be finite numbers");
        }
        if (classes == null || classes.size() < 2) {
            throw new Invalid("Invalid model spec", "classes needs at least two names");
        }
        if (classes.stream().anyMatch(c -> c == null || c.isBlank()) || classes.stream().distinct().count() != classes.size()) {
            throw new Invalid("Invalid model spec", "class names must be non-blank and unique");
        }
        return new InputSpec(name.strip(), channels, height, width, scale, List.copyOf(mean), List.copyOf(std),
                List.copyOf(classes));
    }

    /** Preprocessed value of a pixel value in a channel. */
    public float normalise(int channel, double pixel) {
        return (float) ((pixel * scale - mean.get(channel)) / std.get(channel));
    }

    /** Preprocesses 8-bit pixels (C×H×W, or H×W×C interleaved as stored) into model input. */
    public float[] preprocess(byte[] interleaved, int storedChannels) {
        int hw = height * width;
        float[] out = new float[channels * hw];
        for (int c = 0; c < channels; c++) {
            int from = storedChannels == 1 ? 0 : c;
            for (int p = 0; p < hw; p++) {
                int v;
                if (storedChannels == channels) {
                    v = interleaved[p * storedChannels + from] & 0xff;
                } else if (storedChannels == 3) {
                    // RGB image into a gray model: ITU-R BT.601 luma
                    int o = p * 3;
                    v = (int) Math.round(0.299 * (interleaved[o] & 0xff) + 0.587 * (interleaved[o + 1] & 0xff)
                            + 0.114 * (interleaved[o + 2] & 0xff));
                } else {
                    v = interleaved[p] & 0xff;
                }
                out[c * hw + p] = normalise(c, v);
            }
        }
        return out;
    }
}
