package org.rationale.ui.review;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.chromium.ChromiumDriver;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.rationale.testing.Api;
import org.rationale.testing.BrowserLogin;
import org.rationale.testing.Chromium;
import org.rationale.testing.Fixtures;
import org.rationale.testing.Page;
import org.rationale.testing.PostgresTestResource;
import org.rationale.testing.RealModels;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Experts reviewing in a real browser, with the keyboard only, and two of them on one sample. */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class ReviewBrowserTest {

    private static WebDriver first;
    private static WebDriver second;

    @TestHTTPResource("/")
    URL root;

    @Inject
    EntityManager em;

    @BeforeAll
    static void startBrowsers() {
        first = Chromium.start();
        second = Chromium.start();
    }

    @AfterAll
    static void stopBrowsers() {
        if (first != null) {
            first.quit();
        }
        if (second != null) {
            second.quit();
        }
    }

    private static Object js(WebDriver b, String script) {
        return ((JavascriptExecutor) b).executeScript(script);
    }

    private static String renderedKey(WebDriver b) {
        // the page is built empty and shows its first sample on its first round trip: an empty key is no sample yet
        Object k = js(b, "const c = document.getElementById('review-canvas'); "
                + "return c ? (c.getAttribute('data-rendered-key') || null) : null;");
        return k == null ? null : k.toString();
    }

    /** Presses a key on the page and waits until the canvas shows another sample. */
    private static String pressAndWaitForNext(WebDriver b, String key, String before) {
        new Actions(b).sendKeys(key).perform();
        return new WebDriverWait(b, Duration.ofSeconds(30)).until(d -> {
            String now = renderedKey(d);
            return now != null && !now.equals(before) ? now : null;
        });
    }

    private static long sampleOf(String key) {
        return Long.parseLong(key.substring(1, key.indexOf("-m")));
    }

    @Transactional
    @SuppressWarnings("unchecked")
    List<Object[]> verdictsOf(String user) {
        return em.createNativeQuery("select r.sample_id, r.verdict from reviews r join users u on u.id = r.user_id "
                + "where u.username = ?1 order by r.id").setParameter(1, user).getResultList();
    }

    @Transactional
    @SuppressWarnings("unchecked")
    List<Object[]> shortcutMasks(long sample) {
        return em.createNativeQuery("select a.pixels, u.username from annotations a join users u on u.id = a.user_id "
                + "where a.sample_id = ?1 and a.kind = 'shortcut'").setParameter(1, sample).getResultList();
    }

    /** Records a version as a round's retraining with the "right for the right reasons" penalty records it. */
    @Transactional
    void trainedWithTheGradientPenalty(long model) {
        em.createNativeQuery("update model_versions set training = ?1 where id = ?2").setParameter(1,
                "{\"split\":\"train\",\"feedback\":{\"mode\":\"rrr\",\"lambda\":1000.0,\"masks\":3,\"perBatch\":8},"
                        + "\"request\":{\"feedback\":\"rrr\",\"roundId\":1}}").setParameter(2, model).executeUpdate();
    }

    /** The second picture is not shown: hidden, or never sent (Vaadin sends no component that was never visible). */
    private static final String COMPARE_HIDDEN = "const c = document.getElementById('review-compare'); return !c || c.hidden;";

    private static boolean compareShown(WebDriver b) {
        return Boolean.TRUE.equals(js(b, "const c = document.getElementById('review-compare'); "
                + "return !!c && !c.hidden && (c.getAttribute('data-rendered-key') || '').startsWith('s');"));
    }

    private static void member(long project, String name) {
        Api.addMember(project, Api.newUser(name, "expert"));
    }

    @Test
    void anExpertReviewsWithTheKeyboardPaintsAShortcutUndoesAndASecondExpertGetsTheConflict() {
        long p = Api.newProject("review in the browser");
        Api.importIdx(p, 12, "test");
        Api.uploadFixtureCnn(p);
        member(p, "kb-expert");
        member(p, "kb-other");

        BrowserLogin.logIn(first, root.toString(), "kb-expert", "kb-expert-password");
        first.get(root + "projects/" + p + "/review");
        WebDriverWait wait = new WebDriverWait(first, Duration.ofSeconds(30));
        String key = wait.until(d -> renderedKey(d));
        List<String> verdicts = List.of("a", "r", "u", "a", "r");
        List<Long> judged = new ArrayList<>();
        for (String k : verdicts) {
            judged.add(sampleOf(key));
            key = pressAndWaitForNext(first, k, key);
        }
        assertEquals(5, judged.stream().distinct().count(), "five different samples: " + judged);
        List<Object[]> stored = verdictsOf("kb-expert");
        assertEquals(5, stored.size());
        assertEquals(List.of("accept", "reject", "unsure", "accept", "reject"), stored.stream().map(r -> (String) r[1]).toList());

        // paint a shortcut with the brush on the sample now shown (and keep a picture of the page for the README)
        long painted = sampleOf(key);
        js(first, "document.getElementById('review-canvas').tool = 'brush';");
        js(first, """
                const c = document.getElementById('review-canvas').shadowRoot.querySelector('canvas.masks');
                const r = c.getBoundingClientRect();
                const at = (type, x, y) => c.dispatchEvent(new PointerEvent(type, {clientX: r.left + x, clientY: r.top + y,
                    pointerId: 1, button: 0, buttons: type === 'pointerup' ? 0 : 1, bubbles: true, composed: true}));
                at('pointerdown', 20, 20); at('pointermove', 40, 20); at('pointermove', 60, 24); at('pointerup', 60, 24);""");
        wait.until(d -> !shortcutMasks(painted).isEmpty());
        Object[] mask = shortcutMasks(painted).get(0);
        assertTrue(((Number) mask[0]).intValue() > 5, "painted pixels: " + mask[0]);
        assertEquals("kb-expert", mask[1]);
        try {
            Path shot = Path.of("target", "screenshots", "review-view.png");
            Files.createDirectories(shot.getParent());
            Files.write(shot, ((TakesScreenshot) first)
                    .getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }

        // Z undoes the last verdict and shows that sample again
        String beforeUndo = key;
        key = pressAndWaitForNext(first, "z", beforeUndo);
        assertEquals((long) judged.get(4), sampleOf(key));
        wait.until(d -> verdictsOf("kb-expert").size() == 4);
        assertTrue(Page.text(first, "review-status").contains("Undid your verdict (reject)"), Page.text(first, "review-status"));

        // the second expert opens the same sample (reserved for the first again) and is refused, not silently winning
        BrowserLogin.logIn(second, root.toString(), "kb-other", "kb-other-password");
        second.get(root + "projects/" + p + "/review?sample=" + judged.get(4));
        WebDriverWait wait2 = new WebDriverWait(second, Duration.ofSeconds(30));
        wait2.until(d -> {
            String k = renderedKey(d);
            return k != null && k.startsWith("s" + judged.get(4) + "-");
        });
        new Actions(second).sendKeys("a").perform();
        wait2.until(d -> Page.text(d, "review-status").contains("Sample taken"));
        assertTrue(Page.text(second, "review-status").contains("kb-expert"), Page.text(second, "review-status"));
        assertEquals(0, verdictsOf("kb-other").size());

        // counts are live for everyone: the first expert's next verdict shows up on the second one's page by push
        assertTrue(Page.text(second, "review-progress").contains("everyone 4 of 12"), Page.text(second, "review-progress"));
        pressAndWaitForNext(first, "a", key);
        wait2.until(d -> Page.text(d, "review-progress").contains("everyone 5 of 12"));
    }

    @Test
    void aBurstOfKeysAndAHeldKeyRecordOneVerdictPerDrawnSample() throws InterruptedException {
        long p = Api.newProject("review key burst");
        Api.importIdx(p, 10, "test");
        Api.uploadFixtureCnn(p);
        member(p, "burst-expert");
        BrowserLogin.logIn(first, root.toString(), "burst-expert", "burst-expert-password");
        first.get(root + "projects/" + p + "/review");
        WebDriverWait wait = new WebDriverWait(first, Duration.ofSeconds(30));
        String start = wait.until(d -> renderedKey(d));
        // the page's own record, in order, of what the canvas drew and which keys were pressed
        js(first, """
                window.__reviewLog = ['drawn ' + document.getElementById('review-canvas').getAttribute('data-rendered-key')];
                document.addEventListener('rendered', e => window.__reviewLog.push('drawn ' + e.detail.sampleKey), true);
                document.addEventListener('keydown', e => window.__reviewLog.push('key ' + e.key + (e.repeat ? ' repeat' : '')),
                    true);""");

        // U three times, 50 ms apart
        new Actions(first).sendKeys("u").pause(50).sendKeys("u").pause(50).sendKeys("u").perform();
        String afterBurst = wait.until(d -> {
            String k = renderedKey(d);
            return k != null && !k.equals(start) ? k : null;
        });
        Thread.sleep(1500);
        // A held down: one press, then the keyboard's auto-repeat for a second and a half
        js(first, """
                const press = repeat => document.body.dispatchEvent(new KeyboardEvent('keydown',
                    {key: 'a', code: 'KeyA', repeat, bubbles: true, composed: true, cancelable: true}));
                press(false);
                let n = 0;
                const t = setInterval(() => { press(true); if (++n === 45) { clearInterval(t); } }, 33);""");
        wait.until(d -> {
            String k = renderedKey(d);
            return k != null && !k.equals(afterBurst);
        });
        Thread.sleep(2500);

        @SuppressWarnings("unchecked")
        List<String> log = (List<String>) js(first, "return window.__reviewLog;");
        // a verdict key counts on the sample drawn when it was pressed, once; auto-repeat never counts
        Set<Long> judgedOnScreen = new LinkedHashSet<>();
        String drawn = null;
        for (String e : log) {
            if (e.startsWith("drawn ")) {
                drawn = e.substring(6);
            } else if (List.of("key a", "key r", "key u").contains(e) && drawn != null && drawn.startsWith("s")) {
                judgedOnScreen.add(sampleOf(drawn));
            }
        }
        assertTrue(judgedOnScreen.size() >= 2, "the burst and the held key each judged a drawn sample: " + log);
        List<Long> stored = verdictsOf("burst-expert").stream().map(r -> ((Number) r[0]).longValue()).toList();
        assertEquals(List.copyOf(judgedOnScreen), stored, "verdicts stored vs samples drawn when a key was pressed; page log: "
                + log);

        // a double click on Accept judges the sample drawn, once
        String shown = renderedKey(first);
        js(first, "const b = document.getElementById('verdict-accept'); b.click(); b.click();");
        wait.until(d -> {
            String k = renderedKey(d);
            return k != null && !k.equals(shown);
        });
        Thread.sleep(1500);
        List<Long> after = verdictsOf("burst-expert").stream().map(r -> ((Number) r[0]).longValue()).toList();
        List<Long> expected = new ArrayList<>(stored);
        expected.add(sampleOf(shown));
        assertEquals(expected, after, "one verdict for a double click, on the sample drawn");
    }

    /** The viewport at exactly this size (CSS pixels), as a screen of that size shows the page. */
    private static void viewport(WebDriver b, int width, int height) {
        ((ChromiumDriver) b).executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height,
                "deviceScaleFactor", 1, "mobile", false));
    }

    private static void menu(WebDriver b, boolean open) {
        js(b, "document.querySelector('vaadin-app-layout').drawerOpened = " + open + ";");
    }

    /**
     * The item of the opened select list with this label, or null: every select's value button holds a copy of its
     * chosen item, which a search of all items would find too.
     */
    private static final String OPENED_ITEM = "return Array.from(document.querySelectorAll('vaadin-select-item'))"
            + ".find(i => i.textContent.trim() === '%s' && i.checkVisibility() && !i.closest('vaadin-select-value-button')) || null;";

    /** Picks an item of a Vaadin select by its label. */
    private static void choose(WebDriver b, String selectId, String label) {
        js(b, "document.getElementById('" + selectId + "').opened = true;");
        new WebDriverWait(b, Duration.ofSeconds(10)).until(d -> Boolean.TRUE.equals(js(d, """
                const item = (() => { %s })();
                if (!item) { return false; }
                item.click();
                return true;""".formatted(OPENED_ITEM.formatted(label)))));
    }

    /** What is off-screen: verdict buttons outside the viewport, and sideways overflow of the document or the view. */
    private static String offScreen(WebDriver b) {
        return (String) js(b, """
                const problems = [];
                for (const id of ['verdict-accept', 'verdict-reject', 'verdict-unsure', 'review-undo']) {
                    const r = document.getElementById(id).getBoundingClientRect();
                    if (r.width === 0 || r.left < 0 || r.top < 0 || r.right > window.innerWidth || r.bottom > window.innerHeight) {
                        problems.push(id + ' at ' + JSON.stringify(r) + ' in ' + window.innerWidth + 'x' + window.innerHeight);
                    }
                }
                const doc = document.scrollingElement || document.documentElement;
                if (doc.scrollWidth > doc.clientWidth) {
                    problems.push('document ' + doc.scrollWidth + ' wide in ' + doc.clientWidth);
                }
                const view = document.getElementById('review-view');
                if (view.scrollWidth > view.clientWidth) {
                    problems.push('view ' + view.scrollWidth + ' wide in ' + view.clientWidth);
                }
                return problems.join('; ');""");
    }

    private static void screenshot(WebDriver b, String name) {
        try {
            Path shot = Path.of("docs", "images", name);
            Files.createDirectories(shot.getParent());
            Files.write(shot, ((TakesScreenshot) b).getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The ten outputs of fixtures/models/rgb.pt (3×28×28 input), as the photographs' class folders. */
    private static final List<String> CLASSES = List.of("ant", "bee", "cat", "cow", "dog", "eel", "fox", "gnu", "hen",
            "owl");

    /**
     * A project of photographs (scikit-image's, 400 to 640 pixels, RGB, gray, RGBA and palette) in the ten class
     * folders of the RGB fixture CNN, which sees them centre-cropped to 28×28; returns the project.
     */
    private static long photoProject(String name) {
        Map<String, byte[]> photos = new LinkedHashMap<>();
        try (ZipInputStream z = new ZipInputStream(Files.newInputStream(RealModels.photosZip()))) {
            for (ZipEntry e = z.getNextEntry(); e != null; e = z.getNextEntry()) {
                photos.put(e.getName().substring(e.getName().indexOf('/') + 1), z.readAllBytes());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> order = List.of("hubble.jpg", "coffee.png", "chelsea.jpg", "horse.png", "astronaut.png",
                "logo-palette.png");
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (int i = 0; i < CLASSES.size(); i++) {
            String photo = order.get(i % order.size());
            entries.put(CLASSES.get(i) + "/" + photo, photos.get(photo));
        }
        long p = Api.newProject(name);
        given().multiPart("archive", "photos.zip", Fixtures.zip(entries), "application/zip").multiPart("split", "test")
                .post("/api/projects/" + p + "/datasets").then().statusCode(201);
        String classes = CLASSES.stream().map(c -> '"' + c + '"').collect(Collectors.joining(","));
        given().multiPart("model", "rgb.pt", rgbCnn(), "application/octet-stream")
                .multiPart("spec", "{\"name\":\"photo-cnn\",\"channels\":3,\"height\":28,\"width\":28,"
                        + "\"scale\":0.00392156862745098,\"mean\":[0,0,0],\"std\":[1,1,1],\"classes\":[" + classes + "]}")
                .post("/api/projects/" + p + "/models").then().statusCode(201);
        return p;
    }

    private static byte[] rgbCnn() {
        try {
            return Files.readAllBytes(Path.of("src/test/resources/fixtures/models/rgb.pt"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long sampleFrom(long project, String source) {
        return given().get("/api/projects/" + project + "/samples?limit=100").then().statusCode(200).extract().jsonPath()
                .getLong("items.find { it.source == '" + source + "' }.id");
    }

    /** How many visible controls, on the page and in the pictures' own, carry an ARIA label starting so. */
    private static long visibleControls(WebDriver b, String labelStart) {
        return (Long) js(b, """
                const roots = [document, ...Array.from(document.querySelectorAll('rationale-review-canvas'))
                    .map(c => c.shadowRoot)];
                return roots.flatMap(r => Array.from(r.querySelectorAll('[aria-label^="%s"]')))
                    .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; }).length;"""
                .formatted(labelStart));
    }

    private static String viewOf(WebDriver b, String id) {
        return (String) js(b, "const v = document.getElementById('" + id + "').getView(); "
                + "return v ? [v.scale, v.x, v.y].map(n => n.toFixed(3)).join(' ') : '';");
    }

    @Test
    void theVerdictButtonsStayInViewAtBothScreenSizesWithTheMenuOpenOrClosedAndTwoMapsSideBySide() {
        long p = photoProject("review layout");
        long cat = sampleFrom(p, "cat/chelsea.jpg");
        member(p, "layout-expert");
        BrowserLogin.logIn(first, root.toString(), "layout-expert", "layout-expert-password");
        try {
            viewport(first, 1280, 800);
            first.get(root + "projects/" + p + "/review?sample=" + cat);
            WebDriverWait wait = new WebDriverWait(first, Duration.ofSeconds(60));
            wait.until(d -> {
                String k = renderedKey(d);
                return k != null && k.startsWith("s" + cat + "-");
            });
            // the 451×300 photograph is centre-cropped for the model: its map lies over the middle 300×300
            assertEquals("75.5 0.0 300.0 300.0", js(first, "const c = document.getElementById('review-canvas'); "
                    + "return [c.mapFrameX, c.mapFrameY, c.mapFrameWidth, c.mapFrameHeight].map(n => n.toFixed(1)).join(' ');"));
            assertEquals(1L, visibleControls(first, "Map opacity"), "one opacity control");
            assertEquals(1L, visibleControls(first, "Brush size"), "one brush size control");

            // a shortcut painted over the cat's face, for the README's picture of the page
            menu(first, false);
            choose(first, "review-tool", "brush");
            wait.until(d -> Boolean.TRUE.equals(js(d, "return document.getElementById('review-canvas').tool === 'brush';")));
            js(first, "const c = document.getElementById('review-canvas'); c.brushSize = 14; "
                    + "c.dispatchEvent(new CustomEvent('brush-size-changed'));");
            js(first, """
                    const c = document.getElementById('review-canvas').shadowRoot.querySelector('canvas.masks');
                    const r = c.getBoundingClientRect();
                    const at = (type, x, y) => c.dispatchEvent(new PointerEvent(type, {clientX: r.left + x * r.width,
                        clientY: r.top + y * r.height, pointerId: 1, button: 0, buttons: type === 'pointerup' ? 0 : 1,
                        bubbles: true, composed: true}));
                    at('pointerdown', 0.30, 0.42); at('pointermove', 0.38, 0.40); at('pointermove', 0.46, 0.42);
                    at('pointerup', 0.46, 0.42);""");
            wait.until(d -> Page.text(d, "review-status").contains("Masks saved"));
            screenshot(first, "review-view.png");

            List<String> problems = new ArrayList<>();
            for (boolean sideBySide : List.of(false, true)) {
                if (sideBySide) {
                    choose(first, "review-second", "smoothgrad");
                    wait.until(d -> Boolean.TRUE.equals(js(d, "const c = document.getElementById('review-compare'); "
                            + "return !!c && !c.hidden && (c.getAttribute('data-rendered-key') || '').startsWith('s');")));
                    assertEquals("vanilla-gradient smoothgrad", js(first, "return ['review-canvas', 'review-compare']"
                            + ".map(i => document.getElementById(i).shadowRoot.getElementById('caption').textContent)"
                            + ".join(' ');"), "each picture names its method");
                    assertEquals(1L, visibleControls(first, "Map opacity"), "one opacity control for both pictures");
                    assertEquals(1L, visibleControls(first, "Brush size"), "one brush size control for both pictures");
                }
                for (int[] size : List.of(new int[] {1280, 800}, new int[] {1920, 1080})) {
                    viewport(first, size[0], size[1]);
                    for (boolean open : List.of(true, false)) {
                        menu(first, open);
                        // the pictures follow the room left (a resize observer): give it a moment
                        wait.until(d -> offScreen(d).isEmpty() || Boolean.TRUE.equals(js(d,
                                "return new Promise(r => setTimeout(() => r(false), 300));")));
                        String found = offScreen(first);
                        if (!found.isEmpty()) {
                            problems.add(size[0] + "x" + size[1] + (open ? " menu open" : " menu closed")
                                    + (sideBySide ? " side by side" : "") + ": " + found);
                        }
                        if (open && sideBySide == (size[0] == 1920)) {
                            screenshot(first, "review-" + size[0] + "x" + size[1] + ".png");
                        }
                    }
                }
            }
            assertEquals(List.of(), problems);

            // zooming the first picture zooms the second to the same image pixels, and panning the second pans the first
            // each picture refits on its own resize observer after the last viewport change: wait for both
            try {
                wait.until(d -> viewOf(d, "review-canvas").equals(viewOf(d, "review-compare")));
            } catch (TimeoutException e) {
                // the assertion below says how they differ
            }
            String fitted = viewOf(first, "review-canvas");
            assertEquals(fitted, viewOf(first, "review-compare"), "both fitted alike");
            // a new size read back before the picture redraws (the page's own fit reads the first picture so while
            // the second draws): the view answered is the one for the viewport answered, and the second follows it
            assertEquals("1 1", js(first, """
                    const c = document.getElementById('review-canvas'), s = document.getElementById('review-compare');
                    const was = c.displaySize;
                    c.displaySize = was - 40;
                    s.displaySize = was - 40;
                    const v = c.getView(), p = c.getViewport();
                    s.followView(v, p.width, p.height);
                    const fits = (view, port) => Math.abs(view.scale - Math.min(port.width / 451, port.height / 300)) < 1e-9;
                    const out = [fits(v, p), fits(s.getView(), s.getViewport())].map(b => b ? 1 : 0).join(' ');
                    c.displaySize = was;
                    s.displaySize = was;
                    return out;"""), "a view and its viewport agree right after a resize");
            wait.until(d -> viewOf(d, "review-canvas").equals(fitted) && viewOf(d, "review-compare").equals(fitted));
            js(first, "const z = document.getElementById('review-canvas').shadowRoot.getElementById('zoom-in'); "
                    + "z.click(); z.click(); z.click();");
            wait.until(d -> !viewOf(d, "review-canvas").equals(fitted));
            String zoomed = viewOf(first, "review-canvas");
            assertEquals(zoomed, viewOf(first, "review-compare"), "zoomed together");
            js(first, """
                    const s = document.getElementById('review-compare').shadowRoot.querySelector('canvas.masks');
                    const r = s.getBoundingClientRect();
                    const at = (type, x) => s.dispatchEvent(new PointerEvent(type, {clientX: r.left + x, clientY: r.top + 100,
                        pointerId: 7, button: 0, buttons: type === 'pointerup' ? 0 : 1, bubbles: true, composed: true}));
                    at('pointerdown', 200); at('pointermove', 260); at('pointerup', 260);""");
            wait.until(d -> !viewOf(d, "review-canvas").equals(zoomed));
            assertEquals(viewOf(first, "review-compare"), viewOf(first, "review-canvas"), "panned together");
        } finally {
            ((ChromiumDriver) first).executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        }
    }

    @Test
    void anExpertReloadsGoesBackWithTheArrowAndFromTheHistoryListAndChangesAVerdict() {
        long p = Api.newProject("review history");
        Api.importIdx(p, 10, "test");
        Api.uploadFixtureCnn(p);
        member(p, "hist-expert");
        BrowserLogin.logIn(first, root.toString(), "hist-expert", "hist-expert-password");
        first.get(root + "projects/" + p + "/review");
        WebDriverWait wait = new WebDriverWait(first, Duration.ofSeconds(30));
        String key = wait.until(d -> renderedKey(d));
        List<Long> judged = new ArrayList<>();
        for (String k : List.of("a", "r")) {
            judged.add(sampleOf(key));
            key = pressAndWaitForNext(first, k, key);
        }
        long third = sampleOf(key);
        wait.until(d -> Page.text(d, "review-history").contains("Sample " + judged.get(1) + " · reject"));
        String history = Page.text(first, "review-history");
        assertTrue(history.indexOf("Sample " + judged.get(1)) < history.indexOf("Sample " + judged.get(0)),
                "newest first: " + history);

        // the address names the sample shown: a reload opens it again, and ← goes back to the verdicts stored
        wait.until(d -> d.getCurrentUrl().endsWith("?sample=" + third));
        first.navigate().refresh();
        key = wait.until(d -> {
            String k = renderedKey(d);
            return k != null && k.startsWith("s" + third + "-") ? k : null;
        });
        key = pressAndWaitForNext(first, Keys.ARROW_LEFT.toString(), key);
        assertEquals((long) judged.get(1), sampleOf(key));
        wait.until(d -> Page.text(d, "review-verdict").startsWith("Your verdict: reject"));

        // there the verdict changes: the one stored review becomes accept
        pressAndWaitForNext(first, "a", key);
        wait.until(d -> verdictsOf("hist-expert").stream().anyMatch(r -> ((Number) r[0]).longValue() == judged.get(1)
                && "accept".equals(r[1])));
        assertEquals(2, verdictsOf("hist-expert").size(), "changed, not doubled");
        wait.until(d -> Page.text(d, "review-status").contains("(changed from reject)"));

        // the history list goes to the first one
        js(first, "document.querySelector('#review-history [data-sample=\"" + judged.get(0) + "\"]').click();");
        key = wait.until(d -> {
            String k = renderedKey(d);
            return k != null && k.startsWith("s" + judged.get(0) + "-") ? k : null;
        });
        wait.until(d -> Page.text(d, "review-verdict").startsWith("Your verdict: accept"));

        // a wrong prediction is flagged with the label and the prediction; H hides the map and shows it again
        String wrong = (String) js(first, "const w = document.getElementById('review-wrong'); "
                + "return w.hidden ? '' : w.textContent;");
        assertTrue(wrong.isEmpty() || wrong.matches("Wrong: labelled \\S+, predicted \\S+"), wrong);
        new Actions(first).sendKeys("h").perform();
        wait.until(d -> Boolean.TRUE.equals(js(d, "return document.getElementById('review-canvas').mapVisible === false;")));
        assertEquals(Boolean.FALSE, js(first, "return document.getElementById('review-canvas').shadowRoot"
                + ".getElementById('map-visible').checked;"), "the canvas's own Map (H) box follows the key");
        new Actions(first).sendKeys("h").perform();
        wait.until(d -> Boolean.TRUE.equals(js(d, "return document.getElementById('review-canvas').mapVisible;")));

        // a link naming another project's sample or no number says so
        first.get(root + "projects/" + p + "/review?sample=zz9");
        wait.until(d -> Page.text(d, "review-status").contains("not a sample number"));
    }

    @Test
    void theFlagShowsWhenThePredictionIsWrong() {
        long p = Api.newProject("review wrong flag");
        Api.importIdx(p, 10, "test");
        Api.uploadFixtureCnn(p);
        member(p, "flag-expert");
        BrowserLogin.logIn(second, root.toString(), "flag-expert", "flag-expert-password");
        second.get(root + "projects/" + p + "/review");
        WebDriverWait wait = new WebDriverWait(second, Duration.ofSeconds(30));
        String key = wait.until(d -> renderedKey(d));
        String seen = "";
        for (int i = 0; i < 10 && seen.isEmpty(); i++) {
            seen = (String) js(second, "const w = document.getElementById('review-wrong'); return w.hidden ? '' : w.textContent;");
            if (seen.isEmpty()) {
                key = pressAndWaitForNext(second, Keys.ARROW_RIGHT.toString(), key);
            }
        }
        assertTrue(seen.startsWith("Wrong: labelled "), "a wrong prediction among ten samples is flagged: " + seen);
        assertTrue((Boolean) js(second, "const r = document.getElementById('review-wrong').getBoundingClientRect(); "
                + "return r.width > 0 && r.bottom <= window.innerHeight;"), "the flag is in view");
    }

    /** The label the "Side by side" select shows (its value attribute is an item key, not the method). */
    private static final String SECOND_SHOWN = "const s = document.getElementById('review-second');"
            + " const b = s.querySelector('vaadin-select-value-button');"
            + " return (b ? b.textContent : s.shadowRoot.querySelector('[part=input-field]').textContent).trim();";

    @Test
    void afterARetrainingWithTheGradientPenaltyAnOcclusionMapStandsBesideTheGradientMap() {
        long p = Api.newProject("review after rrr");
        Api.importIdx(p, 6, "test");
        Api.uploadFixtureCnn(p);
        member(p, "rrr-expert");
        BrowserLogin.logIn(first, root.toString(), "rrr-expert", "rrr-expert-password");
        first.get(root + "projects/" + p + "/review");
        WebDriverWait wait = new WebDriverWait(first, Duration.ofSeconds(60));
        wait.until(d -> renderedKey(d));
        // an uploaded version, never retrained: the gradient map alone
        assertTrue((Boolean) js(first, COMPARE_HIDDEN));
        assertEquals("none", js(first, SECOND_SHOWN));

        // a version retrained with the penalty becomes the project's current one: occlusion beside its gradients
        long retrained = Api.uploadFixtureCnn(p);
        trainedWithTheGradientPenalty(retrained);
        first.get(root + "projects/" + p + "/review");
        wait.until(ReviewBrowserTest::compareShown);
        assertEquals("vanilla-gradient occlusion", js(first, "return ['review-canvas', 'review-compare']"
                + ".map(i => document.getElementById(i).shadowRoot.getElementById('caption').textContent).join(' ');"));
        assertEquals("occlusion", js(first, SECOND_SHOWN));

        // the expert turns the side map off with the mouse: the second picture goes
        first.findElement(By.id("review-second")).click();
        // (the value button of every select holds a copy of its chosen item: only the opened list's items count)
        WebElement none = wait.until(d -> (WebElement) js(d, OPENED_ITEM.formatted("none")));
        none.click();
        wait.until(d -> (Boolean) js(d, COMPARE_HIDDEN));
        assertEquals("none", js(first, SECOND_SHOWN));
    }

    @Test
    void testingAPaintedRegionSaysHowOftenHidingItFlipsTheDecision() {
        long p = Api.newProject("review reliance");
        Api.importIdx(p, 6, "test");
        Api.uploadFixtureCnn(p);
        member(p, "rel-expert");
        BrowserLogin.logIn(second, root.toString(), "rel-expert", "rel-expert-password");
        viewport(second, 1280, 800);
        second.get(root + "projects/" + p + "/review");
        WebDriverWait wait = new WebDriverWait(second, Duration.ofSeconds(60));
        wait.until(d -> renderedKey(d));
        wait.until(d -> Page.text(d, "review-reliance").startsWith("No marked region"));
        js(second, "document.getElementById('review-canvas').tool = 'brush';");
        js(second, """
                const c = document.getElementById('review-canvas').shadowRoot.querySelector('canvas.masks');
                const r = c.getBoundingClientRect();
                const at = (type, x, y) => c.dispatchEvent(new PointerEvent(type, {clientX: r.left + x, clientY: r.top + y,
                    pointerId: 1, button: 0, buttons: type === 'pointerup' ? 0 : 1, bubbles: true, composed: true}));
                at('pointerdown', 30, 30); at('pointermove', 90, 30); at('pointermove', 90, 90); at('pointerup', 90, 90);""");
        wait.until(d -> Page.text(d, "review-status").contains("Masks saved"));
        second.findElement(By.id("review-reliance-test")).click();
        // six test images and no training image: nothing of another class to paste, so the mean image hides the region
        wait.until(d -> Page.text(d, "review-reliance").startsWith("Hiding the painted region with the mean image "));
        assertTrue(Page.text(second, "review-reliance").matches("Hiding the painted region with the mean image "
                        + "(changes|does not change) the decision \\(\\S+, probability \\d\\.\\d\\d → \\d\\.\\d\\d, a drop of "
                        + "-?\\d\\.\\d\\d; no image of another class to paste from\\)"), Page.text(second, "review-reliance"));
        screenshot(second, "review-reliance.png");
        ((ChromiumDriver) second).executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
    }
}
