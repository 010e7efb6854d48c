package org.rationale.ui;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chromium.ChromiumDriver;
import org.openqa.selenium.interactions.Actions;
import org.rationale.testing.Api;
import org.rationale.testing.BrowserDownload;
import org.rationale.testing.BrowserLogin;
import org.rationale.testing.BrowserTest;
import org.rationale.testing.Fixtures;
import org.rationale.testing.Page;
import org.rationale.testing.PostgresTestResource;
import org.rationale.worker.WorkerPool;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 15's "done when", as a new team on a fresh install does it in a real browser: the admin
 * creates a project, imports a zip of RGB photographs of several sizes, uploads a TorchScript model
 * and computes its maps with a saliency job; an expert reviews five samples, paints a mask and
 * changes an earlier verdict; an auditor downloads the HTML report, which shows the painted mask.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class NewTeamBrowserTest extends BrowserTest {

    /** The ten outputs of fixtures/models/rgb.pt (3×28×28 input), named as the zip's class folders. */
    private static final List<String> CLASSES = List.of("ant", "bee", "cat", "cow", "dog", "eel", "fox", "gnu",
            "hen", "owl");

    @Inject
    WorkerPool pool;

    @BeforeAll
    static void viewport() {
        ((ChromiumDriver) browser).executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", 1280, "height", 800, "deviceScaleFactor", 1, "mobile", false));
    }

    /** Clicks the first element matching a CSS selector. */
    private static void clickOn(String selector) {
        js("document.querySelector(arguments[0]).click();", selector);
    }

    /** Sets a Vaadin field's value as typing and leaving it would. */
    private static void setValue(String id, String value) {
        js("const f = document.getElementById(arguments[0]); f.value = arguments[1];"
                + "f.dispatchEvent(new CustomEvent('change', {bubbles: true}));", id, value);
    }

    /** A small RGB picture: a coloured shape on a gradient. */
    private static byte[] picture(int w, int h, int seed, String format) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setPaint(new GradientPaint(0, 0, Color.getHSBColor(seed / 12f, 0.4f, 0.9f), 0, h,
                Color.getHSBColor(seed / 7f, 0.6f, 0.4f)));
        g.fillRect(0, 0, w, h);
        g.setColor(Color.getHSBColor(seed / 10f, 0.9f, 0.8f));
        g.fillOval(w / 4 + seed * 3, h / 4, w / 3, h / 3);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, format, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Twelve photographs in ten class folders, 300×200, 256×256 and 320×240, PNG and JPEG. */
    private static Path zipOfPhotographs() throws IOException {
        int[][] sizes = {{300, 200}, {256, 256}, {320, 240}};
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (int i = 0; i < 12; i++) {
            String c = CLASSES.get(i % CLASSES.size());
            String format = i % 2 == 0 ? "png" : "jpg";
            int[] s = sizes[i % sizes.length];
            entries.put(c + "/" + c + "-" + i + "." + format, picture(s[0], s[1], i, format));
        }
        Path dir = Files.createTempDirectory("new-team");
        Path zip = dir.resolve("animals.zip");
        Files.write(zip, Fixtures.zip(entries));
        zip.toFile().deleteOnExit();
        dir.toFile().deleteOnExit();
        return zip;
    }

    /** Adds a file to a vaadin-upload as a user dropping it would, and waits until the server has it. */
    private static void addFile(String uploadId, String fileName, byte[] content) {
        js("const u = document.getElementById(arguments[0]);"
                        + "const bytes = Uint8Array.from(atob(arguments[2]), c => c.charCodeAt(0));"
                        + "u._addFiles([new File([bytes], arguments[1], {type: 'application/octet-stream'})]);",
                uploadId, fileName, Base64.getEncoder().encodeToString(content));
        waiting(30).until(d -> Boolean.TRUE.equals(js("const u = document.getElementById(arguments[0]);"
                + "return u.files.length === 1 && u.files[0].complete === true;", uploadId)));
    }

    private static String renderedKey() {
        Object k = js("const c = document.getElementById('review-canvas'); return c ? c.getAttribute('data-rendered-key') : null;");
        // the page starts with an empty canvas: no key yet
        return k == null || k.toString().isEmpty() ? null : k.toString();
    }

    private static long sampleOf(String key) {
        return Long.parseLong(key.substring(1, key.indexOf("-m")));
    }

    /** Presses a key on the page and waits until the canvas shows another sample. */
    private static String pressAndWaitForNext(String key, String before) {
        new Actions(browser).sendKeys(key).perform();
        return waiting(60).until(d -> {
            String now = renderedKey();
            return now != null && !now.equals(before) ? now : null;
        });
    }

    /** The verdicts stored for a sample, by reviewer: "name verdict". */
    private static List<String> verdictsOn(long sample) {
        List<Map<String, Object>> rows = given().get("/api/samples/" + sample + "/reviews").then().statusCode(200)
                .extract().jsonPath().getList("");
        return rows.stream().map(r -> r.get("reviewer") + " " + r.get("verdict")).toList();
    }

    @Test
    void aNewTeamImportsPhotographsUploadsAModelComputesMapsReviewsAndReportsTheMasks() throws IOException {
        long started = System.nanoTime();
        // 1. the admin creates a project and follows its card to the import
        BrowserLogin.logIn(browser, root.toString(), PostgresTestResource.ADMIN, PostgresTestResource.ADMIN_PASSWORD);
        String name = "New team " + System.nanoTime();
        waiting(30).until(d -> !d.findElements(By.id("new-project")).isEmpty());
        Page.click(browser, "new-project");
        waiting(30).until(d -> Boolean.TRUE.equals(js("return !!document.querySelector('vaadin-dialog-overlay vaadin-text-field');")));
        js("const f = document.querySelector('vaadin-dialog-overlay vaadin-text-field'); f.value = arguments[0];"
                + "f.dispatchEvent(new CustomEvent('change', {bubbles: true}));", name);
        js("[...document.querySelectorAll('vaadin-button')].find(b => b.textContent.trim() === 'Create').click();");
        String card = "[data-project='" + name + "']";
        waiting(30).until(d -> !((String) js("const e = document.querySelector(arguments[0]); return e ? e.textContent : '';",
                card + " .next-step-import")).isEmpty());
        clickOn(card + " .next-step-import");
        waiting(30).until(d -> d.getCurrentUrl().matches(".*projects/\\d+/import$"));
        Matcher m = Pattern.compile("projects/(\\d+)/import").matcher(browser.getCurrentUrl());
        assertTrue(m.find());
        long p = Long.parseLong(m.group(1));

        // the zip of photographs into the test split
        waiting(30).until(d -> !d.findElements(By.id("import-kind")).isEmpty());
        js("[...document.querySelectorAll('#import-split vaadin-radio-button')].find(r => r.textContent.trim() === 'test')"
                + ".querySelector('input').click();");
        WebElement upload = waiting(30).until(d -> d.findElement(By.id("archive-upload")));
        upload.getShadowRoot().findElement(By.cssSelector("input[type=file]"))
                .sendKeys(zipOfPhotographs().toAbsolutePath().toString());
        waiting(60).until(d -> text("preview-summary").startsWith("12 samples in 10 classes")
                || !text("import-problems").isEmpty());
        assertEquals("", text("import-problems"));
        waiting(30).until(d -> Boolean.TRUE.equals(js("return !document.getElementById('import-button').hasAttribute('disabled')")));
        assertEquals("Import 12 samples into test", text("import-button").strip());
        Page.click(browser, "import-button");
        waiting(120).until(d -> text("import-done").contains("12 samples into test") || !text("import-problems").isEmpty());
        assertTrue(text("import-done").contains("Imported 'animals': 12 samples into test"),
                "import: '" + text("import-done") + "', problems: '" + text("import-problems") + "'");
        assertEquals(CLASSES, given().get("/api/projects/" + p).then().statusCode(200).extract().jsonPath()
                .getList("classNames"));

        // 2. the model, from the import's next step: 3 channels come from the photographs, the size is the model's
        clickOn("#import-result a[href$='/models/new']");
        waiting(60).until(d -> !text("upload-classes").isEmpty());
        assertTrue(text("upload-classes").contains("output 9 → owl"), text("upload-classes"));
        String channels = (String) js("return document.querySelector('#upload-channels vaadin-select-value-button').textContent;");
        assertEquals("3 (RGB)", channels.strip(), "the photographs' channels are suggested");
        setValue("upload-height", "28");
        setValue("upload-width", "28");
        setValue("upload-name", "animals-cnn");
        addFile("upload-model", "rgb.pt", Files.readAllBytes(Path.of("src/test/resources/fixtures/models/rgb.pt")));
        Page.click(browser, "upload-send");
        waiting(120).until(d -> !text("upload-accepted").isEmpty() || !text("upload-form-error").isEmpty());
        assertTrue(text("upload-accepted").contains("Stored as animals-cnn v1"),
                "accepted: '" + text("upload-accepted") + "', refused: '" + text("upload-form-error") + "'");
        assertTrue(text("upload-accepted").contains("The check passed"), text("upload-accepted"));
        long predicted = (Long) js("return document.querySelectorAll('#upload-predictions li').length;");
        assertTrue(predicted > 0, "predictions shown on the photographs: " + text("upload-accepted"));

        // 3. the card's next step is the saliency job, started on the jobs page and followed to its end
        browser.get(root.toString());
        waiting(30).until(d -> !((String) js("const e = document.querySelector(arguments[0]); return e ? e.textContent : '';",
                card + " .next-step-job")).isEmpty());
        clickOn(card + " .next-step-job");
        waiting(30).until(d -> d.getCurrentUrl().contains("jobs?projectId=" + p));
        waiting(30).until(d -> !d.findElements(By.id("start-job")).isEmpty());
        pool.start(1);
        try {
            Page.click(browser, "start-job");
            try {
                waiting(240).until(d -> {
                    String row = jobRow(text("jobs-grid"), name);
                    return row.contains("succeeded") || row.contains("failed");
                });
            } catch (TimeoutException e) {
                throw new AssertionError("the job did not end: " + text("jobs-grid") + " / " + text("job-form-error"), e);
            }
        } finally {
            pool.stop();
        }
        String row = jobRow(text("jobs-grid"), name);
        assertTrue(row.contains("succeeded") && row.contains("12 / 12") && row.contains("vanilla-gradient"), row);

        // 4. an expert reviews five samples, paints a shortcut, and goes back to change a verdict
        Api.addMember(p, Api.newUser("nt-expert", "expert"));
        Api.addMember(p, Api.newUser("nt-auditor", "auditor"));
        BrowserLogin.logIn(browser, root.toString(), "nt-expert", "nt-expert-password");
        browser.get(root + "projects/" + p + "/review");
        String key = waiting(60).until(d -> renderedKey());
        long painted = sampleOf(key);
        js("document.getElementById('review-canvas').tool = 'brush';");
        js("""
                const c = document.getElementById('review-canvas').shadowRoot.querySelector('canvas.masks');
                const r = c.getBoundingClientRect();
                const at = (type, x, y) => c.dispatchEvent(new PointerEvent(type, {clientX: r.left + x, clientY: r.top + y,
                    pointerId: 1, button: 0, buttons: type === 'pointerup' ? 0 : 1, bubbles: true, composed: true}));
                at('pointerdown', 40, 40); at('pointermove', 80, 44); at('pointermove', 120, 50); at('pointerup', 120, 50);""");
        waiting(30).until(d -> !given().get("/api/samples/" + painted + "/annotations").then().statusCode(200)
                .extract().jsonPath().getList("").isEmpty());
        List<Long> judged = new ArrayList<>();
        for (String k : List.of("a", "r", "u", "a", "r")) {
            judged.add(sampleOf(key));
            key = pressAndWaitForNext(k, key);
        }
        assertEquals(5, judged.stream().distinct().count(), "five different samples: " + judged);
        waiting(30).until(d -> verdictsOn(judged.get(4)).equals(List.of("nt-expert reject")));
        assertEquals(List.of("nt-expert reject"), verdictsOn(judged.get(1)));
        // the history list leads back to the second sample, where reject becomes accept
        waiting(30).until(d -> text("review-history").contains("Sample " + judged.get(1)));
        js("document.querySelector('#review-history [data-sample=\"" + judged.get(1) + "\"]').click();");
        key = waiting(60).until(d -> {
            String k = renderedKey();
            return k != null && k.startsWith("s" + judged.get(1) + "-") ? k : null;
        });
        waiting(30).until(d -> text("review-verdict").startsWith("Your verdict: reject"));
        pressAndWaitForNext("a", key);
        waiting(30).until(d -> verdictsOn(judged.get(1)).equals(List.of("nt-expert accept")));
        assertEquals(List.of("nt-expert accept"), verdictsOn(judged.get(0)));

        // 5. the auditor downloads the HTML report: the painted mask is outlined on its thumbnail
        BrowserLogin.logIn(browser, root.toString(), "nt-auditor", "nt-auditor-password");
        browser.get(root + "projects/" + p + "/reports");
        waiting(60).until(d -> !d.findElements(By.id("download-html")).isEmpty());
        BrowserDownload got = BrowserDownload.press(browser, "download-html", Duration.ofSeconds(60));
        assertTrue(got.download(), "the HTML report is handed to the browser as a download");
        String html = got.text();
        assertTrue(html.contains("Painted masks are outlined"), "the outline legend is in the report");
        assertTrue(Pattern.compile("sample " + painted + " \\([^)]*\\), predicted [^;<]*; masks: shortcut \\d+ px")
                .matcher(html).find(), "the painted sample's thumbnail names its mask");
        assertTrue(html.contains("<img") && html.contains("src=\"data:image/png;base64,"), "thumbnails as data URLs");
        System.out.printf("NewTeamBrowserTest: the whole path took %.1f s%n", (System.nanoTime() - started) / 1e9);
    }

    /**
     * The text of this project's job row on the jobs page (its only job, newest first): from the project's
     * name to the start of the next row's, so that other tests' jobs in the same database do not count.
     */
    private static String jobRow(String grid, String project) {
        int from = grid.indexOf(project);
        if (from < 0) {
            return "";
        }
        return grid.substring(from, Math.min(grid.length(), from + project.length() + 90));
    }
}
