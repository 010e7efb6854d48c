package org.rationale.ui.review;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.rationale.testing.BrowserTest;
import org.rationale.testing.Page;
import org.rationale.testing.PostgresTestResource;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The review canvas in a real browser on a 512×384 image whose 224×224 map lies on its centre crop
 * (ReviewCanvasPage): zoom and pan keep the map and the masks on the image's pixels, the map can be
 * hidden from the canvas and from the server, and a map without signal says so.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class ReviewCanvasBrowserTest extends BrowserTest {

    /** Runs a script against the canvas {@code c}, then waits for the canvas to have drawn. */
    private static Object onCanvas(String script) {
        return ((JavascriptExecutor) browser).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const c = document.getElementById('canvas');
                const result = (() => { %s })();
                c.updateComplete.then(() => requestAnimationFrame(() => done(result === undefined ? null : result)));
                """.formatted(script));
    }

    private void open(String query, String key) {
        browser.get(root + "test/review-canvas" + query);
        new WebDriverWait(browser, Duration.ofSeconds(30))
                .withMessage(() -> "the canvas did not draw " + key + " at " + browser.getCurrentUrl() + ": "
                        + js("""
                                const c = document.getElementById('canvas');
                                return JSON.stringify({defined: !!customElements.get('rationale-review-canvas'),
                                    key: c && c.sampleKey, image: c && String(c.imageSrc).slice(0, 40),
                                    shadow: c && c.shadowRoot ? c.shadowRoot.innerHTML.slice(0, 300) : null,
                                    errors: window.__canvasErrors || []});"""))
                .until(d -> key.equals(js(
                "const c = document.getElementById('canvas'); return c ? c.getAttribute('data-rendered-key') : null;")));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> view() {
        return (Map<String, Object>) onCanvas("return c.getView();");
    }

    private static double num(Map<String, Object> m, String key) {
        return ((Number) m.get(key)).doubleValue();
    }

    /** The RGBA of a canvas layer ('view' or 'masks') where image point (u, v) is drawn now. */
    @SuppressWarnings("unchecked")
    private static List<Long> colourAt(String layer, double u, double v) {
        return (List<Long>) onCanvas("""
                const view = c.getView();
                const canvas = c.shadowRoot.querySelector('canvas.%s');
                const dpr = canvas.width / canvas.getBoundingClientRect().width;
                const x = Math.floor((view.x + %s * view.scale) * dpr);
                const y = Math.floor((view.y + %s * view.scale) * dpr);
                return Array.from(canvas.getContext('2d').getImageData(x, y, 1, 1).data);
                """.formatted(layer, u, v));
    }

    private static boolean isMapColour(List<Long> rgba) {
        // inferno at its top over grey 128 at opacity 0.6: about (201, 204, 152); grey stays near 128
        return rgba.get(0) > 180 && rgba.get(1) > 180;
    }

    private static boolean isGrey(List<Long> rgba) {
        return Math.abs(rgba.get(0) - 128) <= 8 && Math.abs(rgba.get(1) - 128) <= 8 && Math.abs(rgba.get(2) - 128) <= 8;
    }

    /** A pointer event on the masks canvas at viewport point (x, y), CSS px. */
    private static String pointer(String type, double x, double y, int button) {
        return """
                { const m = c.shadowRoot.querySelector('canvas.masks'); const r = m.getBoundingClientRect();
                  m.dispatchEvent(new PointerEvent('%s', {clientX: r.left + %s, clientY: r.top + %s, pointerId: 7,
                    pointerType: 'mouse', button: %d, buttons: '%s' === 'pointerup' ? 0 : %d, bubbles: true, composed: true})); }
                """.formatted(type, x, y, button, type, button == 1 ? 4 : 1);
    }

    /** The image pixels (x, y) set in the shortcut mask of a 512-wide image. */
    @SuppressWarnings("unchecked")
    private static TreeSet<List<Long>> shortcutPixels() {
        List<List<Long>> set = (List<List<Long>>) onCanvas("""
                const bytes = Uint8Array.from(atob(c.getMasks().shortcut), ch => ch.charCodeAt(0));
                const out = [];
                bytes.forEach((b, i) => { if (b) out.push([i % 512, Math.floor(i / 512)]); });
                return out;
                """);
        TreeSet<List<Long>> sorted = pixelSet();
        sorted.addAll(set);
        return sorted;
    }

    @Test
    void atZoomThreeAndAfterPanningTheMapAndThePaintedPixelsStayOnTheImagePixelsUnderThePointer() {
        open("", "grey-hot");
        // fitted: a 512 × 384 image in a 448 × 336 viewport
        Map<String, Object> fit = view();
        assertEquals(0.875, num(fit, "scale"), 1e-9);

        // zoom to 3 about the viewport's centre: image point (256, 192) stays at (224, 168)
        onCanvas("c.zoomTo(3, 224, 168);");
        Map<String, Object> v = view();
        assertEquals(3, num(v, "scale"), 1e-9);
        assertEquals(224 - 256 * 3, num(v, "x"), 1e-9);
        assertEquals(168 - 192 * 3, num(v, "y"), 1e-9);
        // the map's hot square (map pixels 100–123) lies on image pixels 235.4–276.6 of the centre crop
        assertTrue(isMapColour(colourAt("view", 256.5, 192.5)), () -> "hot: " + colourAt("view", 256.5, 192.5));
        assertTrue(isGrey(colourAt("view", 220.5, 192.5)), () -> "beside: " + colourAt("view", 220.5, 192.5));
        // near the square's left edge (image x 235.4), a map pixel (1.7 image pixels) or two either side
        assertTrue(isMapColour(colourAt("view", 239.5, 192.5)), () -> "inside the edge: " + colourAt("view", 239.5, 192.5));
        assertTrue(isGrey(colourAt("view", 231.5, 192.5)), () -> "outside the edge: " + colourAt("view", 231.5, 192.5));

        // pan with the middle button by (−40, −30) CSS px
        onCanvas(pointer("pointerdown", 300, 200, 1) + pointer("pointermove", 280, 185, 1)
                + pointer("pointermove", 260, 170, 1) + pointer("pointerup", 260, 170, 1));
        v = view();
        assertEquals(224 - 256 * 3 - 40, num(v, "x"), 1e-9);
        assertEquals(168 - 192 * 3 - 30, num(v, "y"), 1e-9);
        assertTrue(isMapColour(colourAt("view", 256.5, 192.5)));
        assertTrue(isGrey(colourAt("view", 220.5, 192.5)));

        // a 1-pixel brush paints the one image pixel under the pointer: (200.5 + 584) / 3, (150.5 + 438) / 3
        onCanvas("c.brushSize = 1;");
        onCanvas(pointer("pointerdown", 200.5, 150.5, 0) + pointer("pointerup", 200.5, 150.5, 0));
        TreeSet<List<Long>> one = pixelSet();
        one.add(List.of(261L, 196L));
        assertEquals(one, shortcutPixels());
        List<Long> fill = colourAt("masks", 261.5, 196.5);
        assertTrue(fill.get(3) > 0 && fill.get(0) > fill.get(1), () -> "the painted pixel's fill: " + fill);
        assertEquals(0L, colourAt("masks", 250.5, 190.5).get(3));

        // the default brush (4 image pixels) about the nearest pixel corner: a 4 × 4 square without its corners
        onCanvas("c.clearMasks(); c.brushSize = 4;");
        // viewport (100, 100) is image point (228, 179.33); nearest corner (228, 179)
        onCanvas(pointer("pointerdown", 100, 100, 0) + pointer("pointerup", 100, 100, 0));
        TreeSet<List<Long>> expected = shortcutPixelsAround(228, 179);
        assertEquals(expected, shortcutPixels());

        // the wheel zooms about the pointer: the image point under it stays put
        Map<String, Object> before = view();
        double u = (50 - num(before, "x")) / num(before, "scale");
        onCanvas("""
                const m = c.shadowRoot.querySelector('canvas.masks'); const r = m.getBoundingClientRect();
                m.dispatchEvent(new WheelEvent('wheel', {clientX: r.left + 50, clientY: r.top + 60, deltaY: -100,
                    bubbles: true, composed: true, cancelable: true}));""");
        Map<String, Object> after = view();
        assertEquals(3 * 1.25, num(after, "scale"), 1e-9);
        assertEquals(u, (50 - num(after, "x")) / num(after, "scale"), 1e-9);

        // Fit and 1:1
        onCanvas("c.shadowRoot.getElementById('zoom-fit').click();");
        assertEquals(0.875, num(view(), "scale"), 1e-9);
        assertTrue(isMapColour(colourAt("view", 256.5, 192.5)));
        // the map's hot left edge lies on image x 64–84.6; left of the frame there is no map at all
        assertTrue(isMapColour(colourAt("view", 72.5, 192.5)), () -> "frame edge: " + colourAt("view", 72.5, 192.5));
        assertTrue(isGrey(colourAt("view", 58.5, 192.5)), () -> "left of the frame: " + colourAt("view", 58.5, 192.5));
        onCanvas("c.shadowRoot.getElementById('zoom-1').click();");
        assertEquals(1, num(view(), "scale"), 1e-9);
        onCanvas("c.zoomTo(1000);");
        assertEquals(32, num(view(), "scale"), 1e-9);
    }

    /** An empty set of pixels (x, y), row by row. */
    private static TreeSet<List<Long>> pixelSet() {
        return new TreeSet<>((a, b) -> a.get(1).equals(b.get(1))
                ? Long.compare(a.get(0), b.get(0)) : Long.compare(a.get(1), b.get(1)));
    }

    private static TreeSet<List<Long>> shortcutPixelsAround(long cx, long cy) {
        TreeSet<List<Long>> expected = pixelSet();
        for (long y = cy - 2; y < cy + 2; y++) {
            for (long x = cx - 2; x < cx + 2; x++) {
                boolean corner = (x == cx - 2 || x == cx + 1) && (y == cy - 2 || y == cy + 1);
                if (!corner) {
                    expected.add(List.of(x, y));
                }
            }
        }
        assertEquals(12, expected.size());
        return expected;
    }

    @Test
    void theMapHidesFromTheCanvasAndFromTheServerAndTheServerKnows() {
        open("", "grey-hot");
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> Page.text(d, "visible-state").equals("map visible: true"));
        assertTrue(isMapColour(colourAt("view", 256.5, 192.5)));

        onCanvas("c.shadowRoot.getElementById('map-visible').click();");
        assertTrue(isGrey(colourAt("view", 256.5, 192.5)), () -> "hidden: " + colourAt("view", 256.5, 192.5));
        assertEquals("Map hidden", onCanvas("return c.shadowRoot.getElementById('hidden-badge').textContent;"));
        // the server hears it (another helper's key H calls isMapVisible / setMapVisible)
        Page.click(browser, "toggle-from-server");
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> Page.text(d, "visible-state").equals("map visible: true"));
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> isMapColour(colourAt("view", 256.5, 192.5)));
        assertEquals(true, onCanvas("return c.shadowRoot.getElementById('map-visible').checked;"));
    }

    @Test
    void aMapWithoutSignalSaysSoOnTheCanvas() {
        open("?map=zero", "grey-zero");
        assertEquals(true, js("return document.getElementById('canvas').hasAttribute('data-no-signal');"));
        assertEquals("This map is all zeros: the method found nothing to show for this sample.",
                onCanvas("return c.shadowRoot.getElementById('notice').textContent;"));

        open("?map=constant", "grey-constant");
        assertEquals(true, js("return document.getElementById('canvas').hasAttribute('data-no-signal');"));
        assertEquals("This map has the same value (0.25) everywhere: it shows nothing about where the model looked.",
                onCanvas("return c.shadowRoot.getElementById('notice').textContent;"));

        open("", "grey-hot");
        assertEquals(false, js("return document.getElementById('canvas').hasAttribute('data-no-signal');"));
        assertEquals(null, onCanvas("return c.shadowRoot.getElementById('notice');"));
        // the legend names the scale: the 99th percentile of |value| is 1
        assertEquals("1+", onCanvas("return c.shadowRoot.getElementById('legend-high').textContent.trim();"));
    }

    @Test
    void aScreenshotOfAPhotographZoomedInWithAPaintedMask() throws IOException {
        assumeTrue(Files.exists(ReviewCanvasPage.SKIMAGE_DATA.resolve("chelsea.png")), "python3-skimage's photographs");
        viewport1280x800();
        open("?photo=chelsea", "chelsea");
        // zoom about the cat's left eye (image (170, 115)) with four wheel notches
        Map<String, Object> v = view();
        double ex = num(v, "x") + 170 * num(v, "scale");
        double ey = num(v, "y") + 115 * num(v, "scale");
        List<String> steps = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            steps.add("""
                    m.dispatchEvent(new WheelEvent('wheel', {clientX: r.left + %s, clientY: r.top + %s, deltaY: -100,
                        bubbles: true, composed: true, cancelable: true}));""".formatted(ex, ey));
        }
        onCanvas("const m = c.shadowRoot.querySelector('canvas.masks'); const r = m.getBoundingClientRect();"
                + String.join("\n", steps));
        onCanvas("c.maskKind = 'relevant';");
        // paint over the pupil, then hover to show the brush
        v = view();
        double s = num(v, "scale");
        double x0 = num(v, "x");
        double y0 = num(v, "y");
        StringBuilder stroke = new StringBuilder(pointer("pointerdown", x0 + 163 * s, y0 + 100 * s, 0));
        for (int i = 1; i <= 10; i++) {
            stroke.append(pointer("pointermove", x0 + (163 + 1.2 * i) * s, y0 + (100 + 3 * i) * s, 0));
        }
        stroke.append(pointer("pointerup", x0 + 175 * s, y0 + 130 * s, 0));
        onCanvas(stroke.toString());
        onCanvas("c.brushSize = 6;");
        onCanvas(pointer("pointermove", x0 + 200 * s, y0 + 140 * s, 0));
        byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        BufferedImage shot = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(1280, shot.getWidth());
        assertEquals(800, shot.getHeight());
        Path out = Path.of("docs", "images", "review-canvas-zoom.png");
        Files.createDirectories(out.getParent());
        Files.write(out, png);
    }
}
