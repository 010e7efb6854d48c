package org.rationale.saliency;

import org.rationale.config.Json;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Locale;

/**
 * How a saliency map is drawn: normalisation and colour, as the review canvas draws it. Both follow
 * {@code map-rendering.json} (in {@code frontend/saliency/}, on the classpath beside this class), and
 * this class repeats the canvas's arithmetic step by step (float sums, float normalised values, the
 * same rounding), so a PNG overlay or a report thumbnail has the colours the expert saw; the tests
 * compare both pixel by pixel.
 *
 * <ol>
 * <li>Channels are summed per pixel; non-finite values count as 0.</li>
 * <li>The shown magnitude, max(v,0), max(-v,0) or |v| by {@link Sign}, is divided by the magnitude at
 * index floor({@link #PERCENTILE} · (n − 1)) of the sorted magnitudes (by the largest where that is 0)
 * and clamped to 1; {@link Sign#SIGNED} keeps the sign.</li>
 * <li>The colormap's entry round(t · 255), where t is the value for a sequential map, (v + 1) / 2 for
 * signed values, and the upper (lower for {@link Sign#NEGATIVE}) half of a diverging map otherwise;
 * alpha is round(opacity · |v| · 255), so a zero shows the bare image.</li>
 * </ol>
 */
public final class MapRendering {

    /** Where the rendering file is on the classpath. */
    public static final String RESOURCE = "/org/rationale/saliency/map-rendering.json";

    /** Which part of a signed map is shown: max(v,0), max(-v,0), |v|, or v with its sign. */
    public enum Sign { POSITIVE, NEGATIVE, ABSOLUTE, SIGNED }

    /** A colormap, a sign mode and the opacity where the normalised value is 1 (0 to 1). */
    public record Style(Colormap colormap, Sign sign, double opacity) {

        /** The same colormap and sign at another opacity. */
        public Style withOpacity(double other) {
            return new Style(colormap, sign, other);
        }

        /** In words, for a report: how the maps it shows are drawn. */
        public String description() {
            String shown = switch (sign) {
                case POSITIVE -> "max(value, 0)";
                case NEGATIVE -> "max(-value, 0)";
                case ABSOLUTE, SIGNED -> "|value|";
            };
            return "Maps are drawn as in the review: " + shown + " (channels summed) divided by its "
                    + ordinal((int) Math.round(PERCENTILE * 100)) + " percentile over the map's pixels (by its maximum "
                    + "where that is 0) and clamped to 1" + (sign == Sign.SIGNED ? ", sign kept" : "") + "; colormap "
                    + colormap.clientName() + "; opacity " + String.format(Locale.ROOT, "%.2f", opacity)
                    + " × the scaled value, so 0 shows the bare image.";
        }
    }

    private MapRendering() {
    }

    /** The parsed rendering file, read once. */
    private static final class Source {
        static final JsonNode JSON = read();

        private static JsonNode read() {
            try (InputStream in = MapRendering.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(RESOURCE + " is not on the classpath");
                }
                return Json.MAPPER.readTree(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The rendering file as read. */
    static JsonNode source() {
        return Source.JSON;
    }

    /** The fraction of the way through the sorted magnitudes where the scale is taken (0.99). */
    public static final double PERCENTILE = source().path("normalisation").path("percentile").asDouble();

    /** What the review canvas shows until the expert changes it; overlays and report thumbnails draw it too. */
    public static final Style REVIEW = new Style(
            Colormap.valueOf(source().path("review").path("colormap").asText().toUpperCase(Locale.ROOT)),
            Sign.valueOf(source().path("review").path("sign").asText().toUpperCase(Locale.ROOT)),
            source().path("review").path("opacity").asDouble());

    /** The map (channels × pixels) summed over its channels, in float as the canvas does; non-finite values count as 0. */
    public static float[] sumChannels(float[] map, int channels, int pixels) {
        float[] out = new float[pixels];
        for (int c = 0; c < channels; c++) {
            int base = c * pixels;
            for (int i = 0; i < pixels; i++) {
                float v = map[base + i];
                if (Float.isFinite(v)) {
                    out[i] += v;
                }
            }
        }
        return out;
    }

    /** The shown values of a summed map, in [0, 1] ([-1, 1] for {@link Sign#SIGNED}); see the class comment. */
    public static float[] normalise(float[] map, Sign sign) {
        int n = map.length;
        float[] shown = new float[n];
        for (int i = 0; i < n; i++) {
            float v = map[i];
            shown[i] = sign == Sign.POSITIVE ? Math.max(v, 0f) : sign == Sign.NEGATIVE ? Math.max(-v, 0f) : Math.abs(v);
        }
        float[] sorted = shown.clone();
        Arrays.sort(sorted);
        double scale = n > 0 ? sorted[Math.min(n - 1, (int) Math.floor(PERCENTILE * (n - 1)))] : 0;
        if (!(scale > 0)) {
            scale = n > 0 ? sorted[n - 1] : 0;
        }
        if (!(scale > 0)) {
            return new float[n];
        }
        for (int i = 0; i < n; i++) { // in place: shown[i] is read before it is written
            double m = Math.min(shown[i] / scale, 1);
            shown[i] = (float) (sign == Sign.SIGNED && map[i] < 0 ? -m : m);
        }
        return shown;
    }

    /** The coloured layer of normalised values: one 0xAARRGGBB a pixel, as the canvas paints it. */
    public static int[] layer(float[] normalised, Style style) {
        Colormap colormap = style.colormap();
        boolean diverging = colormap.diverging();
        double opacity = Math.min(1, Math.max(0, Double.isFinite(style.opacity()) ? style.opacity() : REVIEW.opacity()));
        int top = Colormap.SIZE - 1;
        int[] out = new int[normalised.length];
        for (int i = 0; i < normalised.length; i++) {
            double v = normalised[i];
            double t;
            if (style.sign() == Sign.SIGNED) {
                t = (v + 1) / 2;
            } else if (diverging) {
                t = style.sign() == Sign.NEGATIVE ? 0.5 - v / 2 : 0.5 + v / 2;
            } else {
                t = v;
            }
            int alpha = (int) Math.round(opacity * Math.abs(v) * 255);
            out[i] = alpha << 24 | colormap.rgb((int) Math.round(t * top));
        }
        return out;
    }

    /** The layer of a raw map (channels × pixels): summed, normalised and coloured. */
    public static int[] layer(float[] map, int channels, int pixels, Style style) {
        return layer(normalise(sumChannels(map, channels, pixels), style.sign()), style);
    }

    /** A layer pixel (0xAARRGGBB) over an image pixel (0xRRGGBB): each channel mixed by alpha / 255, rounded. */
    public static int over(int imageRgb, int layerArgb) {
        double a = (layerArgb >>> 24) / 255.0;
        return mix(imageRgb >> 16 & 0xff, layerArgb >> 16 & 0xff, a) << 16
                | mix(imageRgb >> 8 & 0xff, layerArgb >> 8 & 0xff, a) << 8
                | mix(imageRgb & 0xff, layerArgb & 0xff, a);
    }

    private static int mix(int base, int colour, double a) {
        return (int) Math.round(base * (1 - a) + colour * a);
    }

    private static String ordinal(int n) {
        int tens = n % 100;
        String suffix = tens >= 11 && tens <= 13 ? "th" : switch (n % 10) {
            case 1 -> "st";
            case 2 -> "nd";
            case 3 -> "rd";
            default -> "th";
        };
        return n + suffix;
    }
}
