package org.rationale.saliency;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.rationale.testing.NodeJs;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One rendering of a map: the server ({@link MapRendering}, {@link HeatmapRenderer}) colours every pixel
 * as the review canvas's JS modules do, for every colormap and sign mode, from the same file.
 */
public class MapRenderingTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * 8 × 8, two channels, values exact in half precision: negatives, zeros, a subnormal, an outlier
     * above the 99th percentile, and a pixel whose channels cancel.
     */
    static float[] fixture() {
        float[] map = new float[2 * 64];
        for (int p = 0; p < 64; p++) {
            map[p] = (p % 9 - 4) * 0.25f; // -1 .. 1 in quarters
            map[64 + p] = p % 5 == 0 ? 0 : (p % 3 - 1) * 0.125f;
        }
        map[10] = 8; // the outlier saturates
        map[64 + 20] = -map[20]; // cancels to 0
        map[30] = 0x1p-24f; // a subnormal half
        map[64 + 30] = 0;
        return map;
    }

    /** A map as it comes from storage: float16 values, seeded, signed, three channels of 28 × 28. */
    static float[] stored(long seed) {
        Random r = new Random(seed);
        float[] raw = new float[3 * 28 * 28];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (float) (r.nextGaussian() * Math.exp(r.nextGaussian()) * 1e-3);
        }
        return MapEncoding.decode(MapEncoding.NAME, MapEncoding.encode(raw), raw.length);
    }

    /** The canvas's RGBA layer of each case, as 0xAARRGGBB per pixel (src/test/frontend/render-map.mjs). */
    public static List<int[]> canvasLayers(List<float[]> maps, List<Integer> channels, List<MapRendering.Style> styles)
            throws IOException {
        List<Map<String, Object>> cases = new ArrayList<>();
        for (int i = 0; i < maps.size(); i++) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("map", Base64.getEncoder().encodeToString(MapEncoding.encode(maps.get(i))));
            c.put("pixels", maps.get(i).length / channels.get(i));
            c.put("channels", channels.get(i));
            c.put("colormap", styles.get(i).colormap().clientName());
            c.put("sign", styles.get(i).sign().name().toLowerCase(Locale.ROOT));
            c.put("opacity", styles.get(i).opacity());
            cases.add(c);
        }
        NodeJs.Result r = NodeJs.run(List.of("src/test/frontend/render-map.mjs"),
                JSON.writeValueAsString(Map.of("cases", cases)), 60);
        assertEquals(0, r.exitCode(), () -> "render-map.mjs failed:\n" + r.stderr());
        List<int[]> rgba = JSON.readValue(r.stdout(), new TypeReference<List<int[]>>() { });
        List<int[]> out = new ArrayList<>();
        for (int[] bytes : rgba) {
            int[] argb = new int[bytes.length / 4];
            for (int p = 0; p < argb.length; p++) {
                argb[p] = bytes[4 * p + 3] << 24 | bytes[4 * p] << 16 | bytes[4 * p + 1] << 8 | bytes[4 * p + 2];
            }
            out.add(argb);
        }
        return out;
    }

    static List<MapRendering.Style> everyStyle(double opacity) {
        List<MapRendering.Style> styles = new ArrayList<>();
        for (Colormap c : Colormap.values()) {
            for (MapRendering.Sign s : MapRendering.Sign.values()) {
                styles.add(new MapRendering.Style(c, s, opacity));
            }
        }
        return styles;
    }

    private static void assertSamePixels(int[] canvas, int[] server, String what) {
        for (int p = 0; p < canvas.length; p++) {
            int i = p;
            assertEquals(Integer.toHexString(canvas[p]), Integer.toHexString(server[p]),
                    () -> what + ": pixel " + i + " (canvas, server as 0xAARRGGBB)");
        }
        assertEquals(canvas.length, server.length, what + ": pixels");
    }

    @Test
    void theServerColoursEveryPixelAsTheCanvasForEveryColormapAndSignMode() throws IOException {
        List<float[]> maps = new ArrayList<>();
        List<Integer> channels = new ArrayList<>();
        List<MapRendering.Style> styles = new ArrayList<>();
        for (MapRendering.Style s : everyStyle(0.6)) {
            maps.add(fixture());
            channels.add(2);
            styles.add(s);
            maps.add(stored(styles.size()));
            channels.add(3);
            styles.add(s.withOpacity(0.85));
        }
        List<int[]> canvas = canvasLayers(maps, channels, styles);
        for (int i = 0; i < maps.size(); i++) {
            int pixels = maps.get(i).length / channels.get(i);
            int[] server = MapRendering.layer(maps.get(i), channels.get(i), pixels, styles.get(i));
            assertSamePixels(canvas.get(i), server, styles.get(i) + " on map " + i);
        }
    }

    @Test
    void theOverlayPngIsTheCanvasLayerOverTheImage() throws IOException {
        int h = 8;
        int w = 8;
        int zoom = 3;
        byte[] gray = new byte[h * w];
        byte[] rgb = new byte[h * w * 3];
        for (int p = 0; p < h * w; p++) {
            gray[p] = (byte) (p * 4);
            rgb[3 * p] = (byte) (255 - p);
            rgb[3 * p + 1] = (byte) (p * 3);
            rgb[3 * p + 2] = (byte) 90;
        }
        List<MapRendering.Style> styles = everyStyle(0.6);
        List<float[]> maps = new ArrayList<>();
        List<Integer> channels = new ArrayList<>();
        for (int i = 0; i < styles.size(); i++) {
            maps.add(fixture());
            channels.add(2);
        }
        List<int[]> canvas = canvasLayers(maps, channels, styles);
        for (int i = 0; i < styles.size(); i++) {
            for (int imageChannels : new int[] {1, 3}) {
                byte[] image = imageChannels == 1 ? gray : rgb;
                BufferedImage png = ImageIO.read(new ByteArrayInputStream(HeatmapRenderer.overlayPng(image, imageChannels,
                        fixture(), 2, h, w, styles.get(i), zoom)));
                assertEquals(w * zoom, png.getWidth());
                for (int p = 0; p < h * w; p++) {
                    int base = imageChannels == 1 ? (gray[p] & 0xff) * 0x010101
                            : (rgb[3 * p] & 0xff) << 16 | (rgb[3 * p + 1] & 0xff) << 8 | rgb[3 * p + 2] & 0xff;
                    int expected = MapRendering.over(base, canvas.get(i)[p]);
                    for (int d = 0; d < zoom; d++) {
                        int x = (p % w) * zoom + d;
                        int y = (p / w) * zoom + (zoom - 1 - d);
                        assertEquals(Integer.toHexString(expected), Integer.toHexString(png.getRGB(x, y) & 0xffffff),
                                styles.get(i) + ", image channels " + imageChannels + ": pixel " + p);
                    }
                }
            }
        }
    }

    @Test
    void theDefaultOverlayIsTheReviewsDefault() {
        float[] map = fixture();
        assertArrayEquals(HeatmapRenderer.overlayPng(new byte[64], 1, map, 2, 8, 8, MapRendering.REVIEW, 2),
                HeatmapRenderer.overlayPng(new byte[64], 1, map, 2, 8, 8, MapRendering.REVIEW.opacity(), 2));
        assertEquals(new MapRendering.Style(Colormap.INFERNO, MapRendering.Sign.ABSOLUTE, 0.6), MapRendering.REVIEW);
        assertEquals(0.99, MapRendering.PERCENTILE);
    }

    @Test
    void normalisationTakesThe99thPercentileAndFallsBackToTheMaximum() {
        float[] ramp = new float[200];
        for (int i = 0; i < ramp.length; i++) {
            ramp[i] = i - 100; // -100 .. 99; |v| sorted: index floor(0.99 × 199) = 197 is 99
        }
        float[] abs = MapRendering.normalise(ramp, MapRendering.Sign.ABSOLUTE);
        assertEquals((float) (50 / 99.0), abs[150]);
        assertEquals(1f, abs[0]);
        float[] signed = MapRendering.normalise(ramp, MapRendering.Sign.SIGNED);
        assertEquals((float) (-50 / 99.0), signed[50]);
        float[] sparse = new float[200];
        sparse[3] = 4;
        sparse[4] = -2;
        assertEquals(-0.5f, MapRendering.normalise(sparse, MapRendering.Sign.SIGNED)[4]);
        assertEquals(1f, MapRendering.normalise(sparse, MapRendering.Sign.NEGATIVE)[4]);
        assertEquals(0f, MapRendering.normalise(new float[5], MapRendering.Sign.ABSOLUTE)[2]);
        assertArrayEquals(new float[] {3, 0}, MapRendering.sumChannels(new float[] {1, Float.NaN, 2, 0}, 2, 2));
    }

    @Test
    void theColormapEndsAreTheJsonsAndTheDescriptionSaysWhatIsDrawn() {
        assertEquals(0x000000, Colormap.INFERNO.rgb(0));
        assertEquals(0xfaffa8, Colormap.INFERNO.rgb(255));
        assertEquals(0x3b4cc0, Colormap.COOLWARM.rgb(0));
        assertEquals(0xb40426, Colormap.COOLWARM.rgb(255));
        assertTrue(Colormap.COOLWARM.diverging());
        String text = MapRendering.REVIEW.description();
        assertTrue(text.contains("|value|") && text.contains("99th percentile") && text.contains("colormap inferno")
                && text.contains("opacity 0.60"), text);
    }

    @Test
    void theClasspathCopyIsTheFrontendsFile() throws IOException {
        try (InputStream in = MapRendering.class.getResourceAsStream(MapRendering.RESOURCE)) {
            assertArrayEquals(Files.readAllBytes(Path.of("frontend", "saliency", "map-rendering.json")), in.readAllBytes(),
                    "target/classes holds an old map-rendering.json: build again");
        }
    }
}
