package org.rationale.ui.dataset;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;
import org.rationale.testing.Api;
import org.rationale.testing.BrowserLogin;
import org.rationale.testing.BrowserTest;
import org.rationale.testing.Fixtures;
import org.rationale.testing.Page;
import org.rationale.testing.PostgresTestResource;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The import page in a real browser: a zip of RGB photographs of different sizes is uploaded, checked,
 * compared with the project's classes and imported with its progress shown, then browsed; a bad zip is
 * refused with every problem named next to the upload and nothing stored; an IDX pair with class names
 * imports; a reviewer is told why they cannot import.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class ImportBrowserTest extends BrowserTest {

    @BeforeAll
    static void viewport() {
        viewport1280x800();
    }

    private void openImport(long project) {
        browser.get(root + "projects/" + project + "/import");
        waiting().until(d -> !d.findElements(By.id("import-kind")).isEmpty());
    }

    /** Chooses a file in a vaadin-upload, as a person picking it in the file dialog. */
    private static void choose(String uploadId, Path file) {
        WebElement upload = waiting().until(d -> d.findElement(By.id(uploadId)));
        upload.getShadowRoot().findElement(By.cssSelector("input[type=file]")).sendKeys(file.toAbsolutePath().toString());
    }

    /** A photograph-like RGB image: a gradient sky, a shape of the class's kind, some texture. */
    private static BufferedImage photo(String kind, int w, int h, long seed) {
        Random r = new Random(seed);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        Color top = Color.getHSBColor(r.nextFloat(), 0.35f, 0.95f);
        Color bottom = Color.getHSBColor(r.nextFloat(), 0.55f, 0.45f);
        g.setPaint(new GradientPaint(0, 0, top, 0, h, bottom));
        g.fillRect(0, 0, w, h);
        for (int i = 0; i < 40; i++) {
            g.setColor(new Color(255, 255, 255, 20 + r.nextInt(40)));
            int s = 2 + r.nextInt(Math.max(3, w / 20));
            g.fillOval(r.nextInt(w), r.nextInt(h), s, s);
        }
        int m = Math.min(w, h);
        int size = m / 3 + r.nextInt(m / 4);
        int x = r.nextInt(Math.max(1, w - size));
        int y = r.nextInt(Math.max(1, h - size));
        switch (kind) {
            case "circles" -> {
                g.setColor(Color.getHSBColor(0.02f + r.nextFloat() * 0.1f, 0.85f, 0.9f));
                g.fillOval(x, y, size, size);
            }
            case "squares" -> {
                g.setColor(Color.getHSBColor(0.55f + r.nextFloat() * 0.1f, 0.8f, 0.75f));
                g.rotate(r.nextDouble() - 0.5, x + size / 2.0, y + size / 2.0);
                g.fillRect(x, y, size, size);
            }
            default -> {
                g.setColor(Color.getHSBColor(0.3f + r.nextFloat() * 0.1f, 0.8f, 0.7f));
                g.setStroke(new BasicStroke(Math.max(3, m / 30f)));
                for (int k = 0; k < 5; k++) {
                    g.drawLine(x, y + k * size / 5, x + size, y + k * size / 5 + size / 6);
                }
            }
        }
        g.dispose();
        return img;
    }

    private static byte[] encode(BufferedImage img, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, format, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static Path write(byte[] bytes, String name) {
        try {
            Path dir = Files.createTempDirectory("import-browser");
            Path p = dir.resolve(name);
            Files.write(p, bytes);
            p.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** 24 photographs, 8 of each of three classes, from 224×224 to 1024×768, PNG and JPEG, in one top folder. */
    private static Path shapesZip() {
        int[][] sizes = {{224, 224}, {320, 240}, {451, 300}, {300, 451}, {512, 512}, {640, 480}, {256, 384}, {1024, 768}};
        Map<String, byte[]> entries = new LinkedHashMap<>();
        String[] kinds = {"circles", "squares", "stripes"};
        for (int k = 0; k < kinds.length; k++) {
            for (int i = 0; i < sizes.length; i++) {
                String format = (i + k) % 3 == 0 ? "jpg" : "png";
                entries.put("shapes/" + kinds[k] + "/" + kinds[k] + "-" + i + "." + format,
                        encode(photo(kinds[k], sizes[i][0], sizes[i][1], k * 100L + i), format));
            }
        }
        return write(Fixtures.zip(entries), "shapes.zip");
    }

    @Test
    void aZipOfPhotographsIsCheckedImportedAndBrowsed() {
        logInAsAdmin();
        long p = Api.newProject("Shapes");

        // an empty project's sample browser says why and links to the import
        browser.get(root + "projects/" + p + "/samples");
        waiting().until(d -> text("no-data").contains("no samples yet"));
        assertTrue(((String) js("return document.getElementById('no-data-import').getAttribute('href')"))
                .endsWith("projects/" + p + "/import"));

        openImport(p);
        assertTrue(text("import-help").contains("class folders"), text("import-help"));
        assertTrue(text("project-classes").contains("no classes yet"), text("project-classes"));
        // each progress text with whether the form was locked then
        js("window.__progress = []; new MutationObserver(() => window.__progress.push("
                + "document.getElementById('import-progress-text').textContent"
                + " + (document.getElementById('import-kind').hasAttribute('disabled') ? ' [locked]' : '')))"
                + ".observe(document.getElementById('import-progress-text'), {childList: true, characterData: true, subtree: true});");
        choose("archive-upload", shapesZip());

        waiting().until(d -> text("preview-summary").startsWith("24 samples in 3 classes"));
        assertTrue(text("preview-summary").contains("1024×768"), text("preview-summary"));
        assertEquals("shapes", js("return document.querySelector('#import-name input').value"));
        @SuppressWarnings("unchecked")
        List<String> classes = (List<String>) js("return [...document.querySelectorAll('#import-preview .class-row')]"
                + ".map(r => r.getAttribute('data-class') + ':' + r.className)");
        assertEquals(List.of("circles:class-row match-new", "squares:class-row match-new", "stripes:class-row match-new"),
                classes);
        waiting().until(d -> (Boolean) js("return !document.getElementById('import-button').hasAttribute('disabled')"));
        assertEquals("Import 24 samples into train", text("import-button").strip());
        js("document.getElementById('import-button').scrollIntoView({block: 'end'})");
        screenshot("import.png");

        Page.click(browser, "import-button");
        waiting().until(d -> text("import-done").contains("Imported 'shapes': 24 samples into train"));
        assertTrue(text("import-counts").contains("circles: 8"), text("import-counts"));
        @SuppressWarnings("unchecked")
        List<String> seen = (List<String>) js("return window.__progress");
        // the import's own progress (pushes may coalesce its first words, "Importing into train …", away)
        List<String> importing = seen.stream()
                .filter(s -> s.startsWith("Importing into train") || s.startsWith("Storing samples: ")).toList();
        assertFalse(importing.isEmpty(), seen.toString());
        // the kind, split, name and files cannot change under a running import
        assertTrue(importing.stream().allMatch(s -> s.endsWith(" [locked]")), seen.toString());
        // the check before it left the form open (the import's own pass over the images, after it, is
        // locked); its "Checking …" texts may coalesce away into the result on a fast host
        int checked = seen.indexOf("Checked: ready to import.");
        assertTrue(checked >= 0, seen.toString());
        assertTrue(seen.subList(0, checked).stream().allMatch(s -> s.startsWith("Checking ")),
                seen.toString());
        assertFalse(seen.subList(0, checked + 1).stream().anyMatch(s -> s.endsWith(" [locked]")), seen.toString());
        assertFalse((Boolean) js("return document.getElementById('import-kind').hasAttribute('disabled')"),
                "unlocked after the import");
        assertEquals("Imported 24 samples.", text("import-progress-text"));
        assertEquals(24, Api.sampleCount(p));
        assertEquals("upload:shapes.zip", given().get("/api/projects/" + p + "/datasets").then().statusCode(200)
                .extract().jsonPath().getString("[0].origin"));

        // the next steps, and the browser with thumbnails scaled to fit
        assertTrue(((String) js("return document.querySelector('#import-result a[href$=\"/models/new\"]').textContent"))
                .contains("upload a model"));
        Page.click(browser, "browse-imported");
        waiting().until(d -> d.findElements(By.cssSelector("#thumbnails .thumb")).size() == 24);
        waiting().until(d -> (Boolean) js("return [...document.querySelectorAll('#thumbnails .thumb img')]"
                + ".every(i => i.complete && i.naturalWidth > 0 && i.naturalWidth <= 168 && i.naturalHeight <= 168)"));
        // the origin as its file name, never how it came or a server path
        assertTrue(text("dataset-list").contains("shapes.zip") && !text("dataset-list").contains("upload:"),
                text("dataset-list"));
        screenshot("samples-rgb.png");

        WebElement big = browser.findElement(By.cssSelector("#thumbnails .thumb[title$='circles-7.png']"));
        big.click();
        WebElement review = waiting().until(d -> d.findElement(By.id("review-this-sample")));
        String sampleId = big.getAttribute("data-sample");
        assertTrue(review.getAttribute("href").endsWith("projects/" + p + "/review?sample=" + sampleId),
                review.getAttribute("href"));
        // the large preview keeps the photograph's aspect: 1024×768 in a 520×390 frame
        waiting().until(d -> (Boolean) js("const i = document.querySelector('vaadin-dialog-overlay .detail-image');"
                + " return i && i.complete && i.naturalWidth === 1024;"));
        // layout size, not getBoundingClientRect: the dialog opens with a scale animation that shrinks the latter
        Object frame = js("const f = document.querySelector('vaadin-dialog-overlay .detail-frame');"
                + " return f.offsetWidth + 'x' + f.offsetHeight;");
        assertEquals("520x390", frame);
        screenshot(Path.of("target", "screenshots", "samples-rgb-detail.png"));
    }

    /** {@code n} copies of one 16×16 noise image in two class folders: quick to upload, slow enough to check. */
    private static Path manyImagesZip(int n) {
        BufferedImage noise = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
        Random r = new Random(7);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                noise.getRaster().setSample(x, y, 0, r.nextInt(256));
            }
        }
        byte[] png = encode(noise, "png");
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            entries.put((i % 2 == 0 ? "even" : "odd") + "/" + i + ".png", png);
        }
        return write(Fixtures.zip(entries), "many.zip");
    }

    @Test
    void aZipChosenWhileTheFirstIsStillCheckedReplacesThatCheck() {
        logInAsAdmin();
        long p = Api.newProject("Second upload");
        openImport(p);
        Path many = manyImagesZip(8000);
        Path shapes = shapesZip();
        // every summary the preview ever shows
        js("window.__summaries = []; new MutationObserver(() => { const s = document.getElementById('preview-summary');"
                + " if (s) window.__summaries.push(s.textContent); })"
                + ".observe(document.getElementById('import-preview'), {childList: true, characterData: true, subtree: true});");
        choose("archive-upload", many);
        // "Checking many.zip …", then "Checking images: n of 8,000" (pushes may coalesce the first away)
        // (or already "Checked": a fast machine may finish before a poll; then the race is not exercised)
        waiting().until(d -> text("import-progress-text").startsWith("Checking")
                || text("import-progress-text").startsWith("Checked"));
        // the person removes the file still being checked and chooses another; what shows from now on counts
        js("document.querySelector('#archive-upload vaadin-upload-file').shadowRoot"
                + ".querySelector('[part=remove-button]').click();");
        waiting().until(d -> d.findElements(By.cssSelector("#archive-upload vaadin-upload-file")).isEmpty());
        // a check that had already finished showed its summary; removing the file clears it: only then count
        waiting().until(d -> !text("preview-summary").startsWith("8,000 samples"));
        js("window.__summaries = [];");
        choose("archive-upload", shapes);
        waiting().until(d -> text("preview-summary").startsWith("24 samples in 3 classes"));
        // the first check, had it been left running, answers within this time: its result never shows
        long until = System.currentTimeMillis() + 4000;
        while (System.currentTimeMillis() < until) {
            assertTrue(text("preview-summary").startsWith("24 samples in 3 classes"), text("preview-summary"));
            assertEquals("shapes", js("return document.querySelector('#import-name input').value"));
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        @SuppressWarnings("unchecked")
        List<String> summaries = (List<String>) js("return window.__summaries");
        assertFalse(summaries.stream().anyMatch(s -> s.startsWith("8,000 samples")), summaries.toString());
        assertTrue(text("import-problems").isEmpty(), text("import-problems"));
        waiting().until(d -> (Boolean) js("return !document.getElementById('import-button').hasAttribute('disabled')"));
        assertEquals("Import 24 samples into train", text("import-button").strip());
        Page.click(browser, "import-button");
        waiting().until(d -> text("import-done").contains("Imported 'shapes': 24 samples into train"));
        assertEquals(1, Api.datasetCount(p));
        assertEquals(24, Api.sampleCount(p));
    }

    @Test
    void anImportLeftRunningForAnotherProjectLocksNothingThere() {
        logInAsAdmin();
        long first = Api.newProject("Left running");
        long second = Api.newProject("Entered next");
        openImport(first);
        choose("archive-upload", manyImagesZip(8000));
        waiting().until(d -> text("preview-summary").startsWith("8,000 samples"));
        waiting().until(d -> (Boolean) js("return !document.getElementById('import-button').hasAttribute('disabled')"));
        Page.click(browser, "import-button");
        waiting().until(d -> !d.findElements(By.id("import-locked")).isEmpty()
                && d.findElement(By.id("import-locked")).isDisplayed());
        // a link inside the app to the other project's import page: Vaadin reuses this view for it
        js("const a = document.createElement('a'); a.setAttribute('router-link', ''); a.id = 'to-second';"
                + " a.href = 'projects/' + arguments[0] + '/import'; a.textContent = 'second'; document.body.appendChild(a);"
                + " a.click();", second);
        waiting().until(d -> d.findElements(By.xpath("//h2[contains(., 'Entered next')]")).size() == 1);
        assertFalse(browser.findElement(By.id("import-locked")).isDisplayed());
        choose("archive-upload", shapesZip());
        waiting().until(d -> text("preview-summary").startsWith("24 samples in 3 classes"));
        assertTrue(text("import-problems").isEmpty(), text("import-problems"));
        waiting().until(d -> (Boolean) js("return !document.getElementById('import-button').hasAttribute('disabled')"));
        Page.click(browser, "import-button");
        waiting().until(d -> text("import-done").contains("24 samples into train"));
        assertEquals(24, Api.sampleCount(second));
    }

    @Test
    void aBadZipIsRefusedWithEveryProblemNamedAndNothingStored() {
        logInAsAdmin();
        long p = Api.newProject("Bad zip");
        byte[] good = encode(photo("circles", 224, 224, 1), "png");
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("cats/good.png", good);
        entries.put("stray.png", good);
        entries.put("cats/readme.txt", "these are cats".getBytes());
        entries.put("dogs/broken.jpg", new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, 1, 2, 3});
        openImport(p);
        choose("archive-upload", write(Fixtures.zip(entries), "bad.zip"));

        waiting().until(d -> text("import-problems").contains("3 problems in bad.zip"));
        String problems = text("import-problems");
        for (String entry : List.of("stray.png", "cats/readme.txt", "dogs/broken.jpg")) {
            assertTrue(problems.contains(entry), entry + " not named in: " + problems);
        }
        assertTrue(problems.contains("Put every image in a folder named after its class"), problems);
        assertFalse(problems.contains("Exception"), problems);
        assertEquals("Nothing was stored.", text("import-progress-text"));
        assertTrue((Boolean) js("return document.getElementById('import-button').hasAttribute('disabled')"));
        assertEquals(0, Api.datasetCount(p));
        assertEquals(0, Api.sampleCount(p));
    }

    @Test
    void anIdxPairWithClassNamesImports() {
        logInAsAdmin();
        long p = Api.newProject("Idx pair");
        openImport(p);
        js("[...document.querySelectorAll('#import-kind vaadin-radio-button')].find(r => r.textContent.includes('IDX'))"
                + ".querySelector('input').click()");
        waiting().until(d -> !d.findElements(By.id("labels-upload")).isEmpty());
        choose("images-upload", write(Fixtures.gzip(Fixtures.idxImages(12, 28, 28)), "train-images-idx3-ubyte.gz"));
        choose("labels-upload", write(Fixtures.gzip(Fixtures.idxLabels(12, 3)), "train-labels-idx1-ubyte.gz"));
        waiting().until(d -> text("preview-summary").startsWith("12 samples in 3 classes"));
        WebElement names = browser.findElement(By.cssSelector("#import-class-names input"));
        names.sendKeys("top, trouser, pullover");
        waiting().until(d -> !d.findElements(By.cssSelector("#import-preview .class-row[data-class='trouser']")).isEmpty());
        waiting().until(d -> (Boolean) js("return !document.getElementById('import-button').hasAttribute('disabled')"));
        Page.click(browser, "import-button");
        try {
            waiting().until(d -> text("import-done").contains("Imported 'train-images-idx3-ubyte': 12 samples into train"));
        } catch (TimeoutException e) {
            throw new AssertionError("not imported; problems: '" + text("import-problems") + "', progress: '"
                    + text("import-progress-text") + "', preview: '" + text("import-preview") + "', done: '"
                    + text("import-done") + "'", e);
        }
        assertTrue(text("import-counts").contains("trouser: 4"), text("import-counts"));
        assertEquals(12, Api.sampleCount(p));
        assertEquals(List.of("top", "trouser", "pullover"), given().get("/api/projects/" + p).then().statusCode(200)
                .extract().jsonPath().getList("classNames"));
        assertEquals("upload:train-images-idx3-ubyte.gz+train-labels-idx1-ubyte.gz", given()
                .get("/api/projects/" + p + "/datasets").then().extract().jsonPath().getString("[0].origin"));
    }

    @Test
    void aReviewerIsToldWhyTheyCannotImport() {
        long p = Api.newProject("No import");
        String name = "imp-expert-" + (System.nanoTime() % 100000);
        Api.addMember(p, Api.newUser(name, "expert"));
        BrowserLogin.logIn(browser, root.toString(), name, name + "-password");
        browser.get(root + "projects/" + p + "/import");
        waiting().until(d -> text("import-not-allowed").contains("Only administrators and engineers can import"));
        assertTrue(browser.findElements(By.id("archive-upload")).isEmpty());
        browser.get(root + "projects/" + p + "/samples");
        waiting().until(d -> text("no-data").contains("ask an engineer"));
    }
}
