package org.rationale.saliency;

import org.rationale.testing.Host;
import org.junit.jupiter.api.Test;
import org.rationale.error.Invalid;
import org.rationale.explain.InputBatch;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How maps are stored: one plane a map by default, C×H×W on request (issue 17). */
class MapChannelsTest {

    private static final int SIDE = 224;
    private static final int PIXELS = SIDE * SIDE;
    private static final int LIMIT = 105 * 1024;

    private static final AttributionMethods METHODS = new AttributionMethods();

    /** A 3×224×224 linear model and one RGB input: every method runs on it in well under a second. */
    private static final AnalyticModels.Linear MODEL = new AnalyticModels.Linear(3, SIDE, SIDE, 2, 17);
    private static final InputBatch X = AnalyticModels.randomInputs(1, 3, SIDE, SIDE, 18);

    private static final MapKey KEY = new MapKey(1, 1, "m", "", 0);

    private static Attribution attribute(String method, Map<String, String> params) {
        AttributionMethod m = METHODS.get(method);
        return m.attribute(MODEL, X, new int[] {1}, m.bind(params, SIDE, SIDE));
    }

    private static NewMap stored(String method, Map<String, String> params, Attribution a) {
        AttributionMethod m = METHODS.get(method);
        return NewMap.of(KEY, X, a.values(), Map.of(), MapChannels.of(m, m.bind(params, SIDE, SIDE)));
    }

    /** One method of each family, with parameters that keep it quick on the linear model. */
    private static Map<String, Map<String, String>> families() {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        out.put("vanilla-gradient", Map.of());
        out.put("gradient-x-input", Map.of());
        out.put("integrated-gradients", Map.of("steps", "4"));
        out.put("smoothgrad", Map.of("samples", "2"));
        out.put("occlusion", Map.of("window", "56", "stride", "56"));
        out.put("rise", Map.of("samples", "8"));
        return out;
    }

    @Test
    void a224By224RgbMapStoresAtMost105KbByDefaultInEveryMethodFamily() {
        Map<String, int[]> bytes = new LinkedHashMap<>();
        for (var e : families().entrySet()) {
            Attribution a = attribute(e.getKey(), e.getValue());
            NewMap plane = stored(e.getKey(), e.getValue(), a);
            Map<String, String> all = new LinkedHashMap<>(e.getValue());
            all.put("channels", "all");
            NewMap full = stored(e.getKey(), all, a);
            assertEquals(1, plane.channels(), e.getKey());
            assertEquals(PIXELS * 2, plane.data().length, e.getKey());
            assertTrue(plane.data().length <= LIMIT, e.getKey() + " stores " + plane.data().length + " bytes");
            assertEquals(3, full.channels(), e.getKey());
            assertEquals(3 * PIXELS * 2, full.data().length, e.getKey());
            bytes.put(e.getKey(), new int[] {full.data().length, plane.data().length});
        }
        // Grad-CAM and guided backprop need a real network: they store as their family does
        assertEquals(MapChannels.REPEATED, MapChannels.of(METHODS.get("grad-cam"), bind("grad-cam", Map.of())));
        assertEquals(MapChannels.REPEATED, MapChannels.of(METHODS.get("grad-cam-plus-plus"),
                bind("grad-cam-plus-plus", Map.of())));
        assertEquals(MapChannels.SUMMED, MapChannels.of(METHODS.get("guided-backprop"), bind("guided-backprop", Map.of())));
        report(bytes);
    }

    private static MethodParameters bind(String method, Map<String, String> params) {
        return METHODS.get(method).bind(params, SIDE, SIDE);
    }

    @Test
    void aGradientMapsPlaneIsItsChannelSumWithinFloat16Rounding() {
        for (String method : List.of("vanilla-gradient", "gradient-x-input", "integrated-gradients", "smoothgrad")) {
            Map<String, String> params = families().get(method);
            Attribution a = attribute(method, params);
            NewMap plane = stored(method, params, a);
            double total = 0;
            double rounding = 0;
            for (int p = 0; p < PIXELS; p++) {
                double sum = 0;
                for (int c = 0; c < 3; c++) {
                    sum += a.values()[c * PIXELS + p];
                }
                total += sum;
                rounding += Math.abs(sum) * 0x1p-11;
                // a half keeps 11 significant bits: within 2^-11 of the value, plus the float sum's own error
                assertEquals(sum, plane.kept()[p], Math.abs(sum) * 0x1p-11 + 1e-6, method + " pixel " + p);
            }
            // signed: the map's total, and with it the completeness of integrated gradients, is kept (to
            // the pixels' float16 rounding, as when every channel was stored)
            assertEquals(total, plane.sum(), rounding, method + " total");
        }
    }

    @Test
    void aSpatialMapStoresTheOnePlaneItRepeatsNotThreeTimesIt() {
        for (String method : List.of("occlusion", "rise")) {
            Map<String, String> params = families().get(method);
            Attribution a = attribute(method, params);
            for (int c = 1; c < 3; c++) {
                for (int p = 0; p < PIXELS; p++) {
                    assertEquals(a.values()[p], a.values()[c * PIXELS + p], method + " channel " + c + " pixel " + p);
                }
            }
            float[] channel = new float[PIXELS];
            System.arraycopy(a.values(), 0, channel, 0, PIXELS);
            assertArrayEquals(MapEncoding.rounded(channel), stored(method, params, a).kept(), method);
        }
    }

    @Test
    void channelsAllKeepsEveryChannelUnderAKeyOfItsOwn() {
        Attribution a = attribute("vanilla-gradient", Map.of());
        NewMap full = stored("vanilla-gradient", Map.of("channels", "all"), a);
        assertArrayEquals(MapEncoding.rounded(a.values()), full.kept());
        assertEquals("", bind("vanilla-gradient", Map.of()).canonical(), "the default keeps the keys of maps stored before");
        assertEquals("", bind("vanilla-gradient", Map.of("channels", "plane")).canonical());
        assertEquals("channels=all", bind("vanilla-gradient", Map.of("channels", " all ")).canonical());
        assertEquals("baseline=black,channels=all,seed=0,steps=32",
                bind("integrated-gradients", Map.of("channels", "all")).canonical());
        assertNotEquals(bind("occlusion", Map.of()).canonical(), bind("occlusion", Map.of("channels", "all")).canonical());
        // a clamped window keeps the choice
        assertEquals("all", bind("occlusion", Map.of("window", "999", "channels", "all")).asMap().get("channels"));
    }

    @Test
    void aBadChannelsValueIsRefusedNamingTheParameter() {
        for (String bad : List.of("rgb", "", "ALL", "3")) {
            Invalid e = assertThrows(Invalid.class, () -> bind("grad-cam", Map.of("channels", bad)), bad);
            assertTrue(e.getMessage().contains("channels"), e.getMessage());
            assertTrue(e.describe().contains("plane") && e.describe().contains("all"), e.describe());
        }
        Invalid unknown = assertThrows(Invalid.class, () -> bind("vanilla-gradient", Map.of("channel", "all")));
        assertTrue(unknown.describe().contains("takes: channels"), unknown.describe());
    }

    @Test
    void anOldThreeChannelMapReadAsAPlaneIsDrawnAsBefore() {
        for (String method : List.of("vanilla-gradient", "occlusion")) {
            Map<String, String> params = families().get(method);
            AttributionMethod m = METHODS.get(method);
            // as stored before planes: every channel, in float16
            float[] old = MapEncoding.rounded(attribute(method, params).values());
            float[] plane = MapChannels.of(m, m.bind(params, SIDE, SIDE)).stored(old, 3, PIXELS);
            assertEquals(PIXELS, plane.length);
            int[] before = MapRendering.layer(old, 3, PIXELS, MapRendering.REVIEW);
            int[] after = MapRendering.layer(plane, 1, PIXELS, MapRendering.REVIEW);
            for (int p = 0; p < PIXELS; p++) {
                // a repeated plane is drawn from v instead of 3v: at most one colour step apart where rounding ties
                for (int shift = 0; shift < 32; shift += 8) {
                    int d = Math.abs((before[p] >>> shift & 0xff) - (after[p] >>> shift & 0xff));
                    assertTrue(method.equals("vanilla-gradient") ? d == 0 : d <= 1, method + " pixel " + p);
                }
            }
        }
    }

    @Test
    void curvesRankPixelsAlikeFromAPlaneAndFromEveryChannel() {
        AnalyticModels.Linear model = new AnalyticModels.Linear(3, 8, 8, 3, 5);
        InputBatch x = AnalyticModels.randomInputs(1, 3, 8, 8, 6);
        AttributionMethod m = METHODS.get("gradient-x-input");
        float[] raw = m.attribute(model, x, new int[] {2}, m.bind(Map.of(), 8, 8)).values();
        float[] plane = MapChannels.SUMMED.stored(raw, 3, 64);
        assertEquals(DeletionInsertion.aucs(model, x, 2, raw, 8), DeletionInsertion.aucs(model, x, 2, plane, 8));
        assertThrows(IllegalArgumentException.class, () -> DeletionInsertion.aucs(model, x, 2, new float[2 * 64], 8));
    }

    /** Prints the bytes per map before (C×H×W) and after (one plane), ending with a {@code BENCH} line. */
    private static void report(Map<String, int[]> bytes) {
        StringBuilder table = new StringBuilder();
        bytes.forEach((method, b) -> table.append(String.format(Locale.ROOT, "%-22s %,9d -> %,9d bytes (%.3f)%n",
                method, b[0], b[1], (double) b[1] / b[0])));
        System.out.printf("%nMAP STORAGE  one 3x224x224 map, float16: every channel (before) -> default plane%n%s",
                table);
        String figures = bytes.entrySet().stream().map(e -> String.format(Locale.ROOT,
                "\"%s\":{\"bytesBefore\":%d,\"bytesAfter\":%d,\"ratio\":%.4f}", e.getKey(), e.getValue()[0],
                e.getValue()[1], (double) e.getValue()[1] / e.getValue()[0])).collect(Collectors.joining(","));
        System.out.printf("BENCH {\"name\":\"map-storage-224x224-rgb\",\"machine\":\"%s\",%s}%n", Host.machine(), figures);
    }

}
