package org.rationale.saliency;

import org.rationale.error.DomainError;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.io.ByteArrayInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The overlay's output size is bounded before anything is allocated. */
class HeatmapRendererTest {

    private static OverlayTooLargeException refused(int h, int w, int zoom) {
        long t0 = System.nanoTime();
        // the arrays are empty: the size is refused before the renderer looks at them
        var e = assertThrows(OverlayTooLargeException.class,
                () -> HeatmapRenderer.overlayPng(new byte[0], 1, new float[0], 1, h, w, 0.5, zoom));
        assertTrue(System.nanoTime() - t0 < 500_000_000L, "refusing took too long");
        assertEquals(DomainError.Kind.INVALID, e.kind());
        assertTrue(e.detail().contains("the limit is 16777216 output pixels"), e.detail());
        return e;
    }

    @Test
    void refusesZoomThatWouldDrawMoreThanTheOutputLimit() {
        // the probe's cases: zoom 15 (out of memory), 16 (negative array size), 8 (138 s) on 3000 x 3000
        var e = refused(3000, 3000, 15);
        assertTrue(e.detail().contains("45000 x 45000 pixels"), e.detail());
        assertTrue(e.detail().contains("fits up to zoom 1"), e.detail());
        refused(3000, 3000, 16);
        refused(3000, 3000, 8);
        assertEquals(4, HeatmapRenderer.fittingZoom(1024, 1024, 10));
    }

    @Test
    void refusesSizesWhoseProductsOverflowAnInt() {
        // 46341² overflows an int; times 16² overflows it again; 65536 x 65536 x 256 is 2^40
        var e = refused(46_341, 46_341, 16);
        assertTrue(e.detail().contains("741456 x 741456 pixels"), e.detail());
        assertTrue(e.detail().contains("too large to draw even at zoom 1"), e.detail());
        refused(65_536, 65_536, 16);
        refused(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE);
        assertEquals(0, HeatmapRenderer.fittingZoom(Integer.MAX_VALUE, Integer.MAX_VALUE, 16));
    }

    @Test
    void drawsWithinTheLimit() throws Exception {
        int h = 28;
        int w = 28;
        float[] map = new float[h * w];
        map[5] = 1;
        byte[] png = HeatmapRenderer.overlayPng(new byte[h * w], 1, map, 1, h, w, 0.6, 16);
        var img = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(448, img.getWidth());
        assertEquals(448, img.getHeight());
        // pixel 5 of row 0 is the only one with attribution: drawn hot, its neighbours stay black
        assertTrue((img.getRGB(5 * 16 + 3, 3) & 0xff0000) != 0);
        assertEquals(0, img.getRGB(6 * 16 + 3, 3) & 0xffffff);
    }
}
