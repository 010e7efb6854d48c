package org.rationale.model;


import org.rationale.error.Invalid;

import java.util.List;

/**
 * What a model expects: N×C×H×W float32 where each value is {@code (pixel · scale − mean[c]) / std[c]},
 * the names of the classes its outputs stand for, and how an image of another size reaches its
 * H×W grid: {@code fit} ({@value #CENTER_CROP}: scale the image so it covers the grid, then take
 * the centre; {@value #RESIZE}: stretch it to H×W; {@value #PAD}: scale it so it fits inside the
 * grid and fill the rest with zeros of the normalised input, i.e. the mean colour) and
 * {@code interpolation} ({@value #BILINEAR} or {@value #NEAREST}). Colours: a gray image goes to a
 * 3-channel model as three equal channels, an RGB image to a 1-channel model as its luma
 * (ITU-R BT.601); the import has already expanded palettes and dropped alpha.
 */
public record InputSpec(String name, int channels, int height, int width, double scale, List<Double> mean,
                        List<Double> std, List<String> classes, String fit, String interpolation) implements ModelSpec {

    public static final String CENTER_CROP = "center-crop";
    public static final String RESIZE = "resize";
    public static final String PAD = "pad";
    public static final String BILINEAR = "bilinear";
    public static final String NEAREST = "nearest";
    private static final List<String> FITS = List.of(CENTER_CROP, RESIZE, PAD);
    private static final List<String> INTERPOLATIONS = List.of(BILINEAR, NEAREST);

    /** A spec without {@code fit} or {@code interpolation} takes the defaults: centre crop, bilinear. */
    public InputSpec {
        fit = fit == null ? CENTER_CROP : fit;
        interpolation = interpolation == null ? BILINEAR : interpolation;
    }

    /** A spec with the default fit (centre crop) and interpolation (bilinear). */
    public InputSpec(String name, int channels, int height, int width, double scale, List<Double> mean,
                     List<Double> std, List<String> classes) {
        this(name, channels, height, width, scale, mean, std, classes, null, null);
    }

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
        if (!FITS.contains(fit)) {
            throw new Invalid("Invalid model spec", "fit must be center-crop, resize or pad, got '" + fit + "'");
        }
        if (!INTERPOLATIONS.contains(interpolation)) {
            throw new Invalid("Invalid model spec", "interpolation must be bilinear or nearest, got '"
                    + interpolation + "'");
        }
        return new InputSpec(name.strip(), channels, height, width, scale, List.copyOf(mean), List.copyOf(std),
                List.copyOf(classes), fit, interpolation);
    }

    /**
     * Where this model's input grid lies on an image of this size, in the image's pixels (see
     * {@link InputFrame}): the one place the platform's geometry between images and the model's
     * grid comes from.
     */
    public InputFrame frameIn(int imageWidth, int imageHeight) {
        if (imageWidth <= 0 || imageHeight <= 0) {
            throw new IllegalArgumentException("Invalid image size " + imageWidth + "x" + imageHeight);
        }
        if (RESIZE.equals(fit) || (imageWidth == width && imageHeight == height)) {
            return new InputFrame(0, 0, imageWidth, imageHeight);
        }
        double sx = (double) width / imageWidth;
        double sy = (double) height / imageHeight;
        double s = PAD.equals(fit) ? Math.min(sx, sy) : Math.max(sx, sy);
        double fw = width / s;
        double fh = height / s;
        return new InputFrame((imageWidth - fw) / 2, (imageHeight - fh) / 2, fw, fh);
    }

    /**
     * An image of any size as model input (C×H×W): fitted to the grid by {@link #frameIn}, sampled
     * with the interpolation, its colours converted to the model's channels, normalised. Grid cells
     * whose centre lies outside the image (pad) are 0, the mean colour. An image of the model's own
     * size is taken pixel for pixel.
     */
    public float[] input(byte[] interleaved, int imageWidth, int imageHeight, int storedChannels) {
        if (imageWidth == width && imageHeight == height) {
            return preprocess(interleaved, storedChannels);
        }
        InputFrame f = frameIn(imageWidth, imageHeight);
        int hw = height * width;
        byte[] grid = new byte[hw * storedChannels];
        boolean[] outside = new boolean[hw];
        boolean nearest = NEAREST.equals(interpolation);
        for (int gy = 0; gy < height; gy++) {
            double iy = f.imageY(gy, height);
            for (int gx = 0; gx < width; gx++) {
                double ix = f.imageX(gx, width);
                int p = gy * width + gx;
                if (ix < 0 || iy < 0 || ix >= imageWidth || iy >= imageHeight) {
                    outside[p] = true;
                    continue;
                }
                for (int c = 0; c < storedChannels; c++) {
                    double v = nearest
                            ? interleaved[((int) iy * imageWidth + (int) ix) * storedChannels + c] & 0xff
                            : bilinear(interleaved, imageWidth, imageHeight, storedChannels, c, ix - 0.5, iy - 0.5);
                    grid[p * storedChannels + c] = (byte) Math.min(255, Math.max(0, Math.round(v)));
                }
            }
        }
        float[] out = preprocess(grid, storedChannels);
        for (int p = 0; p < hw; p++) {
            if (outside[p]) {
                for (int c = 0; c < channels; c++) {
                    out[c * hw + p] = 0;
                }
            }
        }
        return out;
    }

    /** Bilinear sample of one channel at (u, v) in pixel-index coordinates, clamped to the image. */
    private static double bilinear(byte[] px, int w, int h, int ch, int c, double u, double v) {
        u = Math.min(Math.max(u, 0), w - 1);
        v = Math.min(Math.max(v, 0), h - 1);
        int x0 = (int) Math.floor(u);
        int y0 = (int) Math.floor(v);
        int x1 = Math.min(x0 + 1, w - 1);
        int y1 = Math.min(y0 + 1, h - 1);
        double fx = u - x0;
        double fy = v - y0;
        double top = (px[(y0 * w + x0) * ch + c] & 0xff) * (1 - fx) + (px[(y0 * w + x1) * ch + c] & 0xff) * fx;
        double bottom = (px[(y1 * w + x0) * ch + c] & 0xff) * (1 - fx) + (px[(y1 * w + x1) * ch + c] & 0xff) * fx;
        return top * (1 - fy) + bottom * fy;
    }

    /**
     * A mask in the image's pixels (one byte per pixel, row-major) on the model's H×W grid, through
     * the same fit as the input: each grid cell takes the mask pixel under its centre (0 where the
     * centre lies outside the image). Masks compared with maps go through here.
     */
    public byte[] maskOnGrid(byte[] mask, int imageWidth, int imageHeight) {
        if (mask.length != imageWidth * imageHeight) {
            throw new IllegalArgumentException("mask of " + mask.length + " pixels for a " + imageWidth + "x"
                    + imageHeight + " image");
        }
        if (imageWidth == width && imageHeight == height) {
            return mask.clone();
        }
        InputFrame f = frameIn(imageWidth, imageHeight);
        byte[] out = new byte[height * width];
        for (int gy = 0; gy < height; gy++) {
            double iy = f.imageY(gy, height);
            for (int gx = 0; gx < width; gx++) {
                double ix = f.imageX(gx, width);
                if (ix >= 0 && iy >= 0 && ix < imageWidth && iy < imageHeight) {
                    out[gy * width + gx] = mask[(int) iy * imageWidth + (int) ix];
                }
            }
        }
        return out;
    }

    /**
     * A map on the model's grid (C×H×W) in the image's pixels (C×imageHeight×imageWidth), through
     * the same fit: each image pixel takes the map at its centre, bilinearly between grid cells (or
     * the nearest cell with nearest interpolation), and 0 where the grid does not reach (the sides a
     * centre crop cut off).
     */
    public float[] mapOnImage(float[] map, int mapChannels, int imageWidth, int imageHeight) {
        int hw = height * width;
        if (map.length < hw * mapChannels) {
            throw new IllegalArgumentException("map of " + map.length + " values for " + mapChannels + "x" + height
                    + "x" + width);
        }
        if (imageWidth == width && imageHeight == height) {
            return map.clone();
        }
        InputFrame f = frameIn(imageWidth, imageHeight);
        int ihw = imageWidth * imageHeight;
        float[] out = new float[mapChannels * ihw];
        boolean nearest = NEAREST.equals(interpolation);
        for (int y = 0; y < imageHeight; y++) {
            double gy = f.gridY(y + 0.5, height);
            if (gy < -0.5 || gy >= height - 0.5) {
                continue;
            }
            for (int x = 0; x < imageWidth; x++) {
                double gx = f.gridX(x + 0.5, width);
                if (gx < -0.5 || gx >= width - 0.5) {
                    continue;
                }
                for (int c = 0; c < mapChannels; c++) {
                    out[c * ihw + y * imageWidth + x] = (float) (nearest
                            ? map[c * hw + (int) Math.floor(gy + 0.5) * width + (int) Math.floor(gx + 0.5)]
                            : bilinear(map, c * hw, gx, gy));
                }
            }
        }
        return out;
    }

    /** Bilinear sample of one channel of a grid map at (u, v) in cell coordinates, clamped to the grid. */
    private double bilinear(float[] map, int offset, double u, double v) {
        u = Math.min(Math.max(u, 0), width - 1);
        v = Math.min(Math.max(v, 0), height - 1);
        int x0 = (int) Math.floor(u);
        int y0 = (int) Math.floor(v);
        int x1 = Math.min(x0 + 1, width - 1);
        int y1 = Math.min(y0 + 1, height - 1);
        double fx = u - x0;
        double fy = v - y0;
        double top = map[offset + y0 * width + x0] * (1 - fx) + map[offset + y0 * width + x1] * fx;
        double bottom = map[offset + y1 * width + x0] * (1 - fx) + map[offset + y1 * width + x1] * fx;
        return top * (1 - fy) + bottom * fy;
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
