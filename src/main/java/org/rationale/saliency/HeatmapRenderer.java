package org.rationale.saliency;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Draws a map over its image. Signed maps use a diverging colormap (blue for negative, red for
 * positive, scaled by the largest magnitude); maps without negative values a sequential one (black
 * to yellow through red). Normalisation happens here and only here: stored maps stay raw.
 */
public final class HeatmapRenderer {

    /**
     * Most pixels one drawn overlay may have (2^24, e.g. 4096 x 4096: a 1024 x 1024 image at zoom 4):
     * its raster takes 64 MB and it encodes in about a second. A constant, not a setting: it bounds
     * what one request may make the server allocate, whatever the map.
     */
    public static final long MAX_OUTPUT_PIXELS = 1L << 24;

    private HeatmapRenderer() {
    }

    /** The largest zoom from 1 to {@code wanted} at which an h x w map fits the limit; 0 when none does. */
    public static int fittingZoom(int h, int w, int wanted) {
        long pixels = (long) h * w;
        if (h <= 0 || w <= 0 || wanted <= 0 || pixels > MAX_OUTPUT_PIXELS) {
            return 0;
        }
        long z = Math.min(wanted, (long) Math.sqrt((double) MAX_OUTPUT_PIXELS / pixels));
        while (z > 1 && outputPixels(h, w, z) > MAX_OUTPUT_PIXELS) {
            z--; // the square root may round up
        }
        return (int) z;
    }

    /** (h·zoom) × (w·zoom), saturating at Long.MAX_VALUE instead of overflowing. */
    private static long outputPixels(long h, long w, long zoom) {
        long pixels = h * w; // both below 2^31: fits in a long
        return zoom != 0 && pixels > Long.MAX_VALUE / zoom / zoom ? Long.MAX_VALUE : pixels * zoom * zoom;
    }

    /**
     * @param image   8-bit pixels of the sample (H×W×channels, interleaved), channels 1 or 3
     * @param map     C×H×W attributions; channels are summed
     * @param opacity 0 (image only) to 1 (map only)
     * @param zoom    pixels per input pixel
     * @throws OverlayTooLargeException when the overlay would have more than {@link #MAX_OUTPUT_PIXELS}
     *                                  pixels; checked before anything is allocated
     */
    public static byte[] overlayPng(byte[] image, int channels, float[] map, int mapChannels, int h, int w,
                                    double opacity, int zoom) {
        if (h <= 0 || w <= 0 || zoom <= 0) {
            throw new IllegalArgumentException("Invalid overlay size " + w + " x " + h + " at zoom " + zoom);
        }
        if (outputPixels(h, w, zoom) > MAX_OUTPUT_PIXELS) {
            throw new OverlayTooLargeException(h, w, zoom);
        }
        int hw = h * w;
        if ((long) map.length < (long) hw * mapChannels || image.length < hw * channels) {
            throw new IllegalArgumentException("The map or the image is smaller than " + w + " x " + h);
        }
        double lo = 0;
        double hi = 0;
        for (int p = 0; p < hw; p++) {
            double d = sum(map, mapChannels, hw, p);
            lo = Math.min(lo, d);
            hi = Math.max(hi, d);
        }
        boolean signed = lo < 0;
        double scale = signed ? Math.max(-lo, hi) : hi;
        BufferedImage out = new BufferedImage(w * zoom, h * zoom, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = y * w + x;
                int r;
                int g;
                int b;
                if (channels == 1) {
                    r = g = b = image[p] & 0xff;
                } else {
                    r = image[p * 3] & 0xff;
                    g = image[p * 3 + 1] & 0xff;
                    b = image[p * 3 + 2] & 0xff;
                }
                double t = scale == 0 ? 0 : sum(map, mapChannels, hw, p) / scale;
                int[] col = signed ? diverging(t) : sequential(t);
                // weak attributions stay see-through, so the image shows where the map has nothing to say
                double a = opacity * Math.min(1, Math.abs(t) * 2);
                int rgb = mix(r, col[0], a) << 16 | mix(g, col[1], a) << 8 | mix(b, col[2], a);
                for (int dy = 0; dy < zoom; dy++) {
                    for (int dx = 0; dx < zoom; dx++) {
                        out.setRGB(x * zoom + dx, y * zoom + dy, rgb);
                    }
                }
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ImageIO.write(out, "png", bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The map at pixel p, summed over its channels (summed again when drawing: no second H x W array). */
    private static double sum(float[] map, int mapChannels, int hw, int p) {
        double d = 0;
        for (int c = 0; c < mapChannels; c++) {
            d += map[c * hw + p];
        }
        return d;
    }

    private static int mix(int base, int color, double a) {
        return (int) Math.round(base * (1 - a) + color * a);
    }

    /** t in [-1, 1]: blue, white, red (zero is transparent in the overlay). */
    static int[] diverging(double t) {
        t = Math.max(-1, Math.min(1, t));
        if (t >= 0) {
            return new int[] {255, (int) (255 * (1 - t)), (int) (255 * (1 - t))};
        }
        return new int[] {(int) (255 * (1 + t)), (int) (255 * (1 + t)), 255};
    }

    /** t in [0, 1]: black, red, yellow. */
    static int[] sequential(double t) {
        t = Math.max(0, Math.min(1, t));
        return t < 0.5 ? new int[] {(int) (510 * t), 0, 0} : new int[] {255, (int) (510 * (t - 0.5)), 0};
    }
}
