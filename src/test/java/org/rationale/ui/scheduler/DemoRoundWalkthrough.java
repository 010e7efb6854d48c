package org.rationale.ui.scheduler;

import org.openqa.selenium.Keys;
import org.openqa.selenium.chromium.ChromiumDriver;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.rendering.PDFRenderer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.rationale.testing.BrowserDownload;
import org.rationale.testing.BrowserLogin;
import org.rationale.testing.Chromium;
import org.rationale.testing.Page;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A feedback round on the real demo ("Decoy Fashion-MNIST", 70,000 images), run from the UI of an
 * already running app in two real headless Chromiums: the engineer starts the round on the rounds
 * page and sees the ranked queue with its breakdown; {@code expert1} opens the review session, reads
 * why the first sample was chosen, paints (through the annotation API the review canvas uses) a
 * {@code shortcut} mask over the known decoy patch of a few samples and rejects about ten with the R
 * key; the engineer retrains, and the page shows the finished round with its learning curves. Then
 * the {@code auditor} opens the project's audit report page, downloads the report as PDF, HTML, JSON
 * and CSV (each checked for its start, size and contents, and against the SHA-256 the audit trail
 * recorded for its download), verifies the audit chain, and the first two PDF pages are rendered to
 * PNG; as {@code admin}, the chain is verified over the API and the project's audit events counted.
 *
 * <p>Not part of the normal suite (tag {@code benchmark}). Run against a running app:
 * <pre>
 * mvn -B test -Dtest=DemoRoundWalkthrough -DexcludedGroups=none -Dbench.url=http://localhost:8090/ \
 *     -Dbench.engineer-password=… -Dbench.expert-password=… -Dbench.auditor-password=…
 * </pre>
 * Optional: {@code bench.rejects} (10), {@code bench.masks} (3), {@code bench.timeout-minutes} (90,
 * per long wait), {@code bench.screenshots} (target/walkthrough; also gets the report files and
 * the rendered PDF pages), {@code bench.admin-password} (admin-pass-1). Only {@code bench.*} properties:
 * unknown {@code rationale.*} ones would break the app's config validation when run in-process.
 * Prints each phase's seconds and the round's recorded figures.
 */
@Tag("benchmark")
class DemoRoundWalkthrough {

    private static final String ROOT = withSlash(System.getProperty("bench.url", "http://localhost:8080/"));
    private static final String ENGINEER = "engineer";
    private static final String EXPERT = "expert1";
    private static final String ENGINEER_PASSWORD = System.getProperty("bench.engineer-password", "demo-pass-1");
    private static final String EXPERT_PASSWORD = System.getProperty("bench.expert-password", "demo-pass-1");
    private static final String AUDITOR = "auditor";
    private static final String AUDITOR_PASSWORD = System.getProperty("bench.auditor-password", "demo-pass-1");
    private static final String ADMIN = "admin";
    private static final String ADMIN_PASSWORD = System.getProperty("bench.admin-password", "admin-pass-1");
    private static final int REJECTS = Integer.getInteger("bench.rejects", 10);
    private static final int MASKS = Integer.getInteger("bench.masks", 3);
    private static final Duration LONG = Duration.ofMinutes(Integer.getInteger("bench.timeout-minutes", 90));
    private static final Path SHOTS = Path.of(System.getProperty("bench.screenshots", "target/walkthrough"));
    private static final String DEMO = "Decoy Fashion-MNIST";
    /** The report's formats, each with how its file starts. */
    private static final Map<String, String> REPORT_STARTS = orderedMap(
            "pdf", "%PDF-", "html", "<!DOCTYPE html>", "json", "{\"reportVersion\"", "csv", "review_id,time");

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static WebDriver engineer;
    private static WebDriver expert;

    private final Map<String, Double> timings = new LinkedHashMap<>();
    private int heldLeftovers;

    @AfterAll
    static void stopBrowsers() {
        Chromium.quit(engineer, expert);
    }

    @Test
    void aFeedbackRoundOnTheDemoRunsFromTheUiEndToEnd() throws Exception {
        long t0 = System.nanoTime();
        try {
            walk();
        } finally {
            timings.put("total", seconds(t0));
            System.out.println("== walkthrough timings (s) ==");
            timings.forEach((k, v) -> System.out.printf(Locale.US, "  %-32s %8.1f%n", k, v));
        }
    }

    private void walk() throws Exception {
        Files.createDirectories(SHOTS);

        // the demo project, as the engineer sees it
        // (the app may still be starting, or seeding the demo on its first start)
        long t = System.nanoTime();
        JsonNode demo = until(Duration.ofMinutes(10), "the demo project '" + DEMO + "' visible to " + ENGINEER, () -> {
            HttpResponse<String> r;
            try {
                r = HTTP.send(request(ENGINEER, ENGINEER_PASSWORD, "api/projects").GET().build(),
                        HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                return null; // not listening yet
            }
            if (r.statusCode() != 200) {
                // 401 at first start until the demo users exist; for good: a wrong bench.engineer-password
                System.out.println("  … GET api/projects as " + ENGINEER + ": " + r.statusCode());
                Thread.sleep(3000);
                return null;
            }
            for (JsonNode x : JSON.readTree(r.body())) {
                if (x.path("name").asText().equals(DEMO)) {
                    return x;
                }
            }
            return null;
        });
        assertEquals(70_000, demo.path("sampleCount").asInt(), "the demo holds the full Fashion-MNIST: " + demo);
        long p = demo.path("id").asLong();
        timings.put("find demo project", seconds(t));

        // the demo model, trained in the background after the first start
        t = System.nanoTime();
        JsonNode model = until(LONG, "the demo model is trained", () -> {
            JsonNode models = get(ENGINEER, ENGINEER_PASSWORD, "api/projects/" + p + "/models");
            return models.isArray() && models.size() > 0 ? models.get(models.size() - 1) : null;
        });
        System.out.println("model: " + model);
        timings.put("wait for the demo model", seconds(t));
        for (JsonNode r : get(ENGINEER, ENGINEER_PASSWORD, "api/projects/" + p + "/rounds")) {
            String state = r.path("state").asText();
            assertTrue(state.equals("done") || state.equals("failed"),
                    "round " + r.path("number") + " is still open (" + state + "): finish it before the walkthrough");
        }

        // the engineer starts a round from the rounds page, with the form's defaults
        engineer = Chromium.start();
        expert = Chromium.start();
        t = System.nanoTime();
        BrowserLogin.logIn(engineer, ROOT, ENGINEER, ENGINEER_PASSWORD);
        engineer.get(ROOT + "projects/" + p + "/rounds");
        WebDriverWait ew = new WebDriverWait(engineer, Duration.ofSeconds(60));
        ew.until(d -> !d.findElements(By.id("start-round")).isEmpty() && d.findElement(By.id("start-round")).isEnabled());
        System.out.println("rounds page: " + Page.text(engineer, "round-status"));
        Page.click(engineer, "start-round");
        JsonNode started = until(Duration.ofSeconds(60), "the round is created", () -> openRound(p));
        int number = started.path("number").asInt();
        System.out.println("started round " + number + ": " + started);
        timings.put("log in + start round", seconds(t));

        // the workers compute predictions and maps for the pool, then the scheduler ranks it
        t = System.nanoTime();
        waitForStatus(engineer, p, number, "experts review");
        timings.put("start -> experts review (maps for the pool + ranking)", seconds(t));
        new WebDriverWait(engineer, Duration.ofSeconds(120)).until(d -> {
            String q = Page.text(d, "queue-grid");
            return q.contains("disagreement") && q.contains("entropy");
        });
        String queueText = Page.text(engineer, "queue-grid");
        JsonNode queue = get(ENGINEER, ENGINEER_PASSWORD, "api/projects/" + p + "/queue?limit=20");
        assertTrue(queue.isArray() && queue.size() > 0, "queue: " + queue);
        long first = queue.get(0).path("sampleId").asLong();
        assertTrue(queueText.contains(String.valueOf(first)), "the queue grid shows sample " + first + ": " + queueText);
        System.out.println("queue head: " + queue.get(0));
        shoot(engineer, "queue-grid", "1-rounds-queue.png");

        // the expert's review session follows the round's order and says why
        t = System.nanoTime();
        BrowserLogin.logIn(expert, ROOT, EXPERT, EXPERT_PASSWORD);
        expert.get(ROOT + "projects/" + p + "/review");
        WebDriverWait xw = new WebDriverWait(expert, Duration.ofSeconds(120));
        try {
            xw.until(d -> Page.text(d, "review-why").startsWith("Why this sample") && renderedKey(d) != null);
        } catch (TimeoutException e) {
            throw new AssertionError("why: '" + Page.text(expert, "review-why") + "', facts: '" + Page.text(expert, "review-facts")
                    + "', status: '" + Page.text(expert, "review-status") + "'", e);
        }
        // a sample the expert still holds (the session hands the next sample on after each verdict, reserved for
        // 15 minutes) comes before the round's order, also when it was handed out for an earlier round's model:
        // move past such leftovers with → as a person would, and say so
        for (int skip = 0; !Page.text(expert, "review-why").contains("#1 of the ") && skip < 5; skip++) {
            String held = renderedKey(expert);
            System.out.println("NOTE: the review opened on a sample held from before, not the round's #1: "
                    + Page.text(expert, "review-facts") + " / " + Page.text(expert, "review-why") + " -> pressing →");
            heldLeftovers++;
            new Actions(expert).sendKeys(Keys.ARROW_RIGHT).perform();
            xw.until(d -> {
                String now = renderedKey(d);
                return now != null && !now.equals(held);
            });
        }
        assertTrue(Page.text(expert, "review-why").contains("#1 of the "), Page.text(expert, "review-why"));
        String why = Page.text(expert, "review-why");
        System.out.println("why line: " + why);
        assertTrue(Page.text(expert, "review-facts").contains("Sample " + first + " "), Page.text(expert, "review-facts"));
        timings.put("expert opens the review", seconds(t));
        // the first sample's shortcut mask, then a reload: the canvas shows it over the map (the sample stays reserved)
        List<Long> masked = new ArrayList<>();
        if (MASKS > 0) {
            paintShortcut(first);
            masked.add(first);
            expert.navigate().refresh();
            xw.until(d -> Page.text(d, "review-why").startsWith("Why this sample") && renderedKey(d) != null);
            if (sampleOf(renderedKey(expert)) != first) {
                // a reload starts with the held sample of the smallest id: move on to the round's #1 again
                for (int skip = 0; sampleOf(renderedKey(expert)) != first && skip < 5; skip++) {
                    String held = renderedKey(expert);
                    new Actions(expert).sendKeys(Keys.ARROW_RIGHT).perform();
                    xw.until(d -> {
                        String now = renderedKey(d);
                        return now != null && !now.equals(held);
                    });
                }
            }
            assertEquals(first, sampleOf(renderedKey(expert)), "after a reload the round's #1 shows again");
        }
        shoot(expert, "review-why", "2-review-why.png");

        t = System.nanoTime();
        List<Long> rejected = new ArrayList<>();
        String key = renderedKey(expert);
        for (int i = 0; i < REJECTS; i++) {
            long sample = sampleOf(key);
            String whyNow = Page.text(expert, "review-why");
            if (!whyNow.contains("#" + (i + 1) + " of the ")) {
                System.out.println("  note: sample " + sample + " why: " + whyNow);
            }
            if (i < MASKS && !masked.contains(sample)) {
                paintShortcut(sample);
                masked.add(sample);
            }
            new Actions(expert).sendKeys("r").perform();
            String before = key;
            try {
                key = new WebDriverWait(expert, Duration.ofSeconds(60)).until(d -> {
                    String now = renderedKey(d);
                    return now != null && !now.equals(before) ? now : null;
                });
            } catch (TimeoutException e) {
                throw new AssertionError("no next sample after rejecting " + sample + "; status: '"
                        + Page.text(expert, "review-status") + "', facts: '" + Page.text(expert, "review-facts") + "'", e);
            }
            JsonNode reviews = get(EXPERT, EXPERT_PASSWORD, "api/samples/" + sample + "/reviews");
            assertTrue(reviews.toString().contains("\"reject\""), "sample " + sample + " reviews: " + reviews);
            rejected.add(sample);
        }
        System.out.println("rejected " + rejected + ", shortcut masks on " + masked);
        timings.put("expert rejects " + REJECTS + " (" + MASKS + " masks)", seconds(t));

        // the engineer retrains with the feedback; the new version's maps are recomputed
        t = System.nanoTime();
        engineer.navigate().refresh();
        ew.until(d -> !d.findElements(By.id("retrain-button")).isEmpty() && d.findElement(By.id("retrain-button")).isEnabled());
        Page.click(engineer, "retrain-button");
        ew.until(d -> !d.findElements(By.id("retrain-confirm")).isEmpty());
        Page.click(engineer, "retrain-confirm");
        JsonNode training = until(Duration.ofSeconds(60), "the round trains", () -> {
            JsonNode r = round(p, number);
            return r.path("state").asText().equals("reviewing") ? null : r;
        });
        System.out.println("retraining: " + training);
        assertTrue(training.path("reviewed").asInt() >= REJECTS, "reviewed: " + training);
        assertTrue(training.path("masks").asInt() >= MASKS, "masks: " + training);
        long trainingJob = training.path("trainingJobId").asLong();
        Map<String, Long> seen = waitForStatus(engineer, p, number, "is done");
        long done = System.nanoTime();
        Long recomputing = seen.get("recomputing");
        if (recomputing != null) {
            timings.put("retrain: training job " + trainingJob, (recomputing - t) / 1e9);
            timings.put("retrain: recompute maps of the new version", (done - recomputing) / 1e9);
        }
        timings.put("retrain click -> round done", seconds(t));

        String grid = Page.text(engineer, "round-grid");
        assertTrue(grid.contains("done"), grid);
        new WebDriverWait(engineer, Duration.ofSeconds(60)).until(d -> {
            Object w = ((JavascriptExecutor) d).executeScript(
                    "const i = document.getElementById('plot-accuracy'); return i && i.complete ? i.naturalWidth : 0;");
            return w instanceof Number n && n.intValue() > 100;
        });
        boolean shortcutPlot = !engineer.findElements(By.id("plot-shortcut")).isEmpty();
        shoot(engineer, "round-grid", "3-rounds-done.png");

        JsonNode finished = round(p, number);
        System.out.println("== round " + number + " of project " + p + " ==");
        System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(finished));
        System.out.println("round grid: " + grid);
        System.out.println("shortcut plot shown: " + shortcutPlot);
        assertEquals("done", finished.path("state").asText(), finished.toString());
        assertTrue(finished.path("testAccuracy").isNumber(), "test accuracy recorded: " + finished);
        assertTrue(finished.path("trainedModelId").asLong() > finished.path("modelId").asLong(), finished.toString());
        JsonNode job = get(ENGINEER, ENGINEER_PASSWORD, "api/jobs/" + trainingJob);
        System.out.println("training job result (v" + finished.path("trainedModelId").asLong() + "): " + job.path("result"));
        JsonNode base = trainingOf(finished.path("modelId").asLong(), trainingJob);
        System.out.println("training job result of the round's model (v" + finished.path("modelId").asLong() + "): "
                + (base == null ? "not found" : base.path("result")));
        System.out.println("leftover held samples skipped with → before the round's #1: " + heldLeftovers);

        t = System.nanoTime();
        auditorTakesTheReport(p, rejected.size());
        timings.put("auditor phase", seconds(t));
        System.out.println("screenshots in " + SHOTS.toAbsolutePath());
    }

    // --- the auditor

    /**
     * The auditor downloads the report in every format from the reports page, checks each file against the
     * SHA-256 its download left in the audit trail, verifies the chain there, and the PDF's first pages are
     * rendered; then the admin's view of the chain and of the project's events over the API.
     */
    private void auditorTakesTheReport(long p, int verdicts) throws Exception {
        WebDriver auditor = expert; // the expert's work is done: the same browser, logged in anew
        long t = System.nanoTime();
        BrowserLogin.logIn(auditor, ROOT, AUDITOR, AUDITOR_PASSWORD);
        auditor.get(ROOT + "projects/" + p + "/reports");
        WebDriverWait aw = new WebDriverWait(auditor, Duration.ofSeconds(60));
        aw.until(d -> !d.findElements(By.id("download-pdf")).isEmpty() && !d.findElements(By.id("verify-chain")).isEmpty());
        timings.put("auditor: log in + open the reports page", seconds(t));

        t = System.nanoTime();
        auditor.manage().timeouts().scriptTimeout(Duration.ofMinutes(5));
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String format : REPORT_STARTS.keySet()) {
            long f0 = System.nanoTime();
            byte[] bytes = download(auditor, format);
            files.put(format, bytes);
            Files.write(SHOTS.resolve("report." + format), bytes);
            System.out.printf(Locale.US, "  report.%s: %,d bytes in %.1f s%n", format, bytes.length, seconds(f0));
        }
        timings.put("auditor: download PDF, HTML, JSON, CSV", seconds(t));
        assertReportContents(files, verdicts);

        t = System.nanoTime();
        Page.click(auditor, "verify-chain");
        try {
            aw.until(d -> Page.text(d, "chain-result").startsWith("Intact"));
        } catch (TimeoutException e) {
            throw new AssertionError("chain result: '" + Page.text(auditor, "chain-result") + "'", e);
        }
        System.out.println("chain on the page: " + Page.text(auditor, "chain-result"));
        timings.put("auditor: verify the chain on the page", seconds(t));

        Map<String, String> recorded = recordedExports(p);
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            assertEquals(recorded.get(f.getKey()), sha256(f.getValue()),
                    "the audit trail records the SHA-256 of the " + f.getKey() + " the auditor got");
        }
        try {
            aw.until(d -> {
                String grid = Page.text(d, "report-exports");
                return recorded.values().stream().allMatch(grid::contains);
            });
        } catch (TimeoutException e) {
            throw new AssertionError("the earlier downloads list the four hashes " + recorded.values() + ": '"
                    + Page.text(auditor, "report-exports") + "'", e);
        }
        shoot(auditor, "report-exports", "4-reports.png");

        t = System.nanoTime();
        renderFirstPages(files.get("pdf"), 2);
        timings.put("auditor: render PDF pages 1-2", seconds(t));

        JsonNode verified = get(ADMIN, ADMIN_PASSWORD, "api/audit/verify");
        System.out.println("GET api/audit/verify as " + ADMIN + ": " + verified);
        assertTrue(verified.path("valid").asBoolean(), verified.toString());
        System.out.println("audit events of project " + p + ": " + projectEvents(p).size());
    }

    /** Presses a format's download button and takes the file the page hands the browser. */
    private static byte[] download(WebDriver b, String format) {
        BrowserDownload got = BrowserDownload.press(b, "download-" + format, Duration.ofMinutes(5));
        assertTrue(got.download(), format + " is handed to the browser as a download");
        byte[] bytes = got.bytes();
        String start = new String(bytes, 0, Math.min(bytes.length, 32), StandardCharsets.UTF_8);
        assertTrue(start.startsWith(REPORT_STARTS.get(format)), format + " starts with '" + start + "' ("
                + got.type() + ", " + bytes.length + " bytes)");
        System.out.println("  " + format + " link " + got.name() + ": " + got.type() + ", disposition "
                + got.disposition());
        return bytes;
    }

    /** Each format holds the round's verdicts, made for the auditor. */
    private static void assertReportContents(Map<String, byte[]> files, int verdicts) throws IOException {
        try (PDDocument pdf = Loader.loadPDF(files.get("pdf"))) {
            System.out.println("  report.pdf: " + pdf.getNumberOfPages() + " pages");
            assertTrue(pdf.getNumberOfPages() >= 2, "the PDF has " + pdf.getNumberOfPages() + " pages");
        }
        assertTrue(files.get("pdf").length > 10_000, "PDF of " + files.get("pdf").length + " bytes");
        String html = new String(files.get("html"), StandardCharsets.UTF_8);
        assertTrue(html.length() > 5_000 && html.stripTrailing().endsWith("</html>"), "HTML of " + html.length() + " chars");
        JsonNode json = JSON.readTree(files.get("json"));
        assertEquals(AUDITOR, json.path("generatedBy").asText(), "JSON generatedBy");
        assertTrue(json.path("verdicts").size() >= verdicts, "JSON verdicts: " + json.path("verdicts").size());
        long rows = new String(files.get("csv"), StandardCharsets.UTF_8).lines().skip(1).filter(l -> !l.isBlank()).count();
        assertTrue(rows >= verdicts, "CSV verdict rows: " + rows);
        System.out.println("  verdicts in the report: JSON " + json.path("verdicts").size() + ", CSV " + rows);
    }

    /** The SHA-256 of the auditor's latest download of each format, as the audit trail recorded it. */
    private static Map<String, String> recordedExports(long p) throws IOException, InterruptedException {
        Map<String, String> sha = new LinkedHashMap<>();
        for (JsonNode e : projectEvents(p)) {
            if (e.path("action").asText().equals("report.export") && e.path("actor").asText().equals(AUDITOR)) {
                JsonNode details = JSON.readTree(e.path("payload").asText());
                sha.put(details.path("format").asText(), details.path("sha256").asText());
            }
        }
        return sha;
    }

    /** All the project's audit events, read as the admin in pages of 10,000. */
    private static List<JsonNode> projectEvents(long p) throws IOException, InterruptedException {
        List<JsonNode> all = new ArrayList<>();
        long after = 0;
        while (true) {
            JsonNode page = get(ADMIN, ADMIN_PASSWORD, "api/audit/events?projectId=" + p + "&limit=10000&afterSeq=" + after);
            page.forEach(all::add);
            if (page.size() < 10_000) {
                return all;
            }
            after = page.get(page.size() - 1).path("seq").asLong();
        }
    }

    private static void renderFirstPages(byte[] pdfBytes, int pages) throws IOException {
        try (PDDocument pdf = Loader.loadPDF(pdfBytes)) {
            PDFRenderer renderer = new PDFRenderer(pdf);
            for (int i = 0; i < Math.min(pages, pdf.getNumberOfPages()); i++) {
                BufferedImage page = renderer.renderImageWithDPI(i, 90);
                Path target = SHOTS.resolve("report-page-" + (i + 1) + ".png");
                ImageIO.write(page, "png", target.toFile());
                System.out.println("PDF page " + (i + 1) + ": " + target.toAbsolutePath()
                        + " (" + page.getWidth() + "x" + page.getHeight() + ")");
            }
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // --- the round as the API records it

    private static JsonNode openRound(long p) throws IOException, InterruptedException {
        for (JsonNode r : get(ENGINEER, ENGINEER_PASSWORD, "api/projects/" + p + "/rounds")) {
            if (List.of("recomputing", "reviewing", "training").contains(r.path("state").asText())) {
                return r;
            }
        }
        return null;
    }

    /** The training job that produced a model (the API's model view does not name it): scanned by job id. */
    private static JsonNode trainingOf(long modelId, long before) {
        for (long id = before - 1; id >= 1; id--) {
            try {
                HttpResponse<String> r = HTTP.send(request(ENGINEER, ENGINEER_PASSWORD, "api/jobs/" + id).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    JsonNode j = JSON.readTree(r.body());
                    if (j.path("kind").asText().equals("train") && j.path("result").path("modelId").asLong() == modelId) {
                        return j;
                    }
                }
            } catch (IOException | InterruptedException e) {
                return null;
            }
        }
        return null;
    }

    private static JsonNode round(long p, int number) throws IOException, InterruptedException {
        return get(ENGINEER, ENGINEER_PASSWORD, "api/projects/" + p + "/rounds/" + number);
    }

    /**
     * Waits for the rounds page to say {@code words}, failing at once when the round failed; returns
     * when (System.nanoTime) the API first showed each state of the round meanwhile.
     */
    private static Map<String, Long> waitForStatus(WebDriver b, long p, int number, String words) {
        Map<String, Long> seen = new LinkedHashMap<>();
        long[] lastPrint = {System.nanoTime()};
        try {
            new WebDriverWait(b, LONG, Duration.ofSeconds(3)).until(d -> {
                JsonNode r;
                try {
                    r = round(p, number);
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                String state = r.path("state").asText();
                seen.putIfAbsent(state, System.nanoTime());
                if (state.equals("failed")) {
                    throw new AssertionError("round " + number + " failed: " + r);
                }
                if (System.nanoTime() - lastPrint[0] > 60e9) {
                    lastPrint[0] = System.nanoTime();
                    System.out.println("  … " + state + " · " + jobProgress(r));
                }
                return Page.text(d, "round-status").contains(words) ? Boolean.TRUE : null;
            });
        } catch (TimeoutException e) {
            throw new AssertionError("waited " + LONG + " for '" + words + "'; page says '" + Page.text(b, "round-status") + "'", e);
        }
        return seen;
    }

    private static String jobProgress(JsonNode round) {
        String field = round.path("state").asText().equals("training") ? "trainingJobId" : "recomputeJobId";
        if (!round.path(field).isNumber()) {
            return "";
        }
        try {
            JsonNode j = get(ENGINEER, ENGINEER_PASSWORD, "api/jobs/" + round.path(field).asLong());
            return String.format(Locale.US, "job %d %s %.0f %% (%d/%d items, eta %s s)", j.path("id").asLong(),
                    j.path("state").asText(), 100 * j.path("progress").asDouble(), j.path("itemsDone").asInt(),
                    j.path("itemsTotal").asInt(), j.path("etaSeconds").isNumber()
                            ? String.format(Locale.US, "%.0f", j.path("etaSeconds").asDouble()) : "?");
        } catch (IOException | InterruptedException e) {
            return "job ?";
        }
    }

    // --- the expert's shortcut mask, saved through the API the review canvas uses

    /** Saves a {@code shortcut} mask over the sample's known decoy patch (a 4×4 box in one corner). */
    private static void paintShortcut(long sample) throws IOException, InterruptedException {
        JsonNode s = get(EXPERT, EXPERT_PASSWORD, "api/samples/" + sample);
        int w = s.path("width").asInt();
        int h = s.path("height").asInt();
        JsonNode box = s.path("knownShortcut");
        int bx = box.isObject() ? box.path("x").asInt() : 0;
        int by = box.isObject() ? box.path("y").asInt() : 0;
        int bw = box.isObject() ? box.path("width").asInt() : 4;
        int bh = box.isObject() ? box.path("height").asInt() : 4;
        byte[] mask = new byte[w * h];
        for (int y = by; y < Math.min(h, by + bh); y++) {
            for (int x = bx; x < Math.min(w, bx + bw); x++) {
                mask[y * w + x] = 1;
            }
        }
        int version = 0;
        for (JsonNode a : get(EXPERT, EXPERT_PASSWORD, "api/samples/" + sample + "/annotations")) {
            if (a.path("kind").asText().equals("shortcut")) {
                version = a.path("version").asInt();
            }
        }
        String body = JSON.writeValueAsString(Map.of("kind", "shortcut", "mask", Base64.getEncoder().encodeToString(mask),
                "version", version));
        HttpResponse<String> r = HTTP.send(request(EXPERT, EXPERT_PASSWORD, "api/samples/" + sample + "/annotations")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, r.statusCode(), "shortcut mask of sample " + sample + ": " + r.body());
        System.out.println("  shortcut mask " + bw + "x" + bh + " at (" + bx + "," + by + ") on sample " + sample);
    }

    // --- HTTP

    private static HttpRequest.Builder request(String user, String password, String path) {
        return HttpRequest.newBuilder(URI.create(ROOT + path)).timeout(Duration.ofSeconds(60))
                .header("Accept", "application/json")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    private static JsonNode get(String user, String password, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(request(user, password, path).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            fail("GET " + path + " as " + user + ": " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    private interface Probe<T> {
        T get() throws Exception;
    }

    private static <T> T until(Duration limit, String what, Probe<T> probe) throws Exception {
        long end = System.nanoTime() + limit.toNanos();
        while (true) {
            T v = probe.get();
            if (v != null) {
                return v;
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("waited " + limit + " for " + what);
            }
            Thread.sleep(2000);
        }
    }

    // --- the page

    private static String renderedKey(WebDriver b) {
        Object k = ((JavascriptExecutor) b).executeScript(
                "const c = document.getElementById('review-canvas'); return c ? c.getAttribute('data-rendered-key') : null;");
        return k == null || k.toString().isEmpty() || k.toString().equals("done") ? null : k.toString();
    }

    private static long sampleOf(String key) {
        return Long.parseLong(key.substring(1, key.indexOf("-m")));
    }

    /**
     * A screenshot of the whole page: the viewport is emulated as tall as the page's content (the
     * app layout scrolls inside, so a plain screenshot shows one screen), then set back.
     */
    private static void shoot(WebDriver b, String id, String name) throws IOException {
        JavascriptExecutor js = (JavascriptExecutor) b;
        Dimension size = b.manage().window().getSize();
        // the view's own height (the app layout scrolls it inside its content area), from the top of the page
        Object inner = js.executeScript("const v = document.querySelector('#review-view, .rounds-view, .reports-view');"
                + " const root = document.documentElement;"
                + " return [root.clientWidth, Math.max(root.clientHeight, v ? v.scrollHeight + 120 : root.scrollHeight)];");
        List<?> wh = (List<?>) inner;
        int width = ((Number) wh.get(0)).intValue();
        int height = Math.min(4000, ((Number) wh.get(1)).intValue() + 40);
        boolean emulated = false;
        try {
            if (b instanceof ChromiumDriver cdp) {
                cdp.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                        Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", false));
                emulated = true;
            }
            Thread.sleep(700);
            js.executeScript("const e = document.getElementById('" + id + "'); if (e) e.scrollIntoView({block: 'nearest'});");
            File shot = ((TakesScreenshot) b).getScreenshotAs(OutputType.FILE);
            Path target = SHOTS.resolve(name);
            Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
            System.out.println("screenshot: " + target.toAbsolutePath() + " (" + width + "x" + height + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (emulated) {
                ((ChromiumDriver) b).executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
            }
            b.manage().window().setSize(size);
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static Map<String, String> orderedMap(String... keysAndValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    private static String withSlash(String url) {
        return url.endsWith("/") ? url : url + "/";
    }
}
