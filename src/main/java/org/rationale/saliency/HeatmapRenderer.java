package org.rationale.saliency;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Draws a map over its image as the review canvas shows it ({@link MapRendering}: by default |value|
 * scaled to its 99th percentile, colormap inferno), each input pixel a zoom × zoom square.
 * Normalisation happens when drawing, here and in the canvas: stored maps stay raw.
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

    /** Refuses an overlay of no pixels, or of more than {@link #MAX_OUTPUT_PIXELS}. */
    private static void checkSize(int h, int w, int zoom) {
        if (h <= 0 || w <= 0 || zoom <= 0) {
            throw new IllegalArgumentException("Invalid overlay size " + w + " x " + h + " at zoom " + zoom);
        }
        if (outputPixels(h, w, zoom) > MAX_OUTPUT_PIXELS) {
            throw new OverlayTooLargeException(h, w, zoom);
        }
    }

    /** (h·zoom) × (w·zoom), saturating at Long.MAX_VALUE instead of overflowing. */
    private static long outputPixels(long h, long w, long zoom) {
        long pixels = h * w; // both below 2^31: fits in a long
        return zoom != 0 && pixels > Long.MAX_VALUE / zoom / zoom ? Long.MAX_VALUE : pixels * zoom * zoom;
    }

    /**
     * The map drawn as the review shows it by default ({@link MapRendering#REVIEW}) at an opacity.
     *
     * @param image   8-bit pixels of the sample (H×W×channels, interleaved), channels 1 or 3
     * @param map     C×H×W attributions; channels are summed
     * @param opacity 0 (image only) to 1 (map only) where the normalised value is 1
     * @param zoom    pixels per input pixel
     * @throws OverlayTooLargeException when the overlay would have more than {@link #MAX_OUTPUT_PIXELS}
     *                                  pixels; checked before anything is allocated
     */
    public static byte[] overlayPng(byte[] image, int channels, float[] map, int mapChannels, int h, int w,
                                    double opacity, int zoom) {
        checkSize(h, w, zoom); // before the rendering file is read: a refusal costs nothing
        return overlayPng(image, channels, map, mapChannels, h, w, MapRendering.REVIEW.withOpacity(opacity), zoom);
    }

    /** As {@link #overlayPng(byte[], int, float[], int, int, int, double, int)}, in any style. */
    public static byte[] overlayPng(byte[] image, int channels, float[] map, int mapChannels, int h, int w,
                                    MapRendering.Style style, int zoom) {
        checkSize(h, w, zoom);
        int hw = h * w;
        if ((long) map.length < (long) hw * mapChannels || image.length < hw * channels) {
            throw new IllegalArgumentException("The map or the image is smaller than " + w + " x " + h);
        }
        int[] layer = MapRendering.layer(map, mapChannels, hw, style);
        BufferedImage out = new BufferedImage(w * zoom, h * zoom, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = y * w + x;
                int base;
                if (channels == 1) {
                    int g = image[p] & 0xff;
                    base = g << 16 | g << 8 | g;
                } else {
                    base = (image[p * 3] & 0xff) << 16 | (image[p * 3 + 1] & 0xff) << 8 | image[p * 3 + 2] & 0xff;
                }
                int rgb = MapRendering.over(base, layer[p]);
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
}
