package org.rationale.ui.review;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.openqa.selenium.TimeoutException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.rationale.testing.Api;
import org.rationale.testing.BrowserLogin;
import org.rationale.testing.Chromium;
import org.rationale.testing.Host;
import org.rationale.testing.PostgresTestResource;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static io.restassured.RestAssured.given;

/**
 * In a real browser: from a verdict key to the next sample fully drawn (image and map on the
 * canvas), measured in the page, over 100 samples, while 10 simulated reviewers work the same
 * project through the API (next sample, its map, a verdict). Not part of the default run:
 * {@code mvn test -Dtest=ReviewBenchmark -DexcludedGroups=none}.
 */
@QuarkusTest
@Tag("benchmark")
@WithTestResource(PostgresTestResource.class)
class ReviewBenchmark {

    private static final int SIMULATED = Integer.getInteger("bench.reviewers", 10);
    private static final int MEASURED = 100;
    /** Pause of a simulated reviewer between verdicts (0: as fast as the server answers). */
    private static final int THINK_MS = Integer.getInteger("bench.think-ms", 0);

    @TestHTTPResource("/")
    URL root;

    private static void expert(long project, String name) {
        Api.addMember(project, Api.newUser(name, "expert"));
    }

    @Test
    void printsVerdictToNextSampleLatencyWithTenConcurrentReviewers() throws Exception {
        long p = Api.newProject("review benchmark");
        given().contentType(ContentType.JSON).body(Map.of("name", "t10k", "split", "test",
                        "images", "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz",
                        "labels", "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz"))
                .post("/api/projects/" + p + "/datasets/from-path").then().statusCode(201);
        long model = Api.uploadFixtureCnn(p);
        for (int i = 0; i <= SIMULATED; i++) {
            expert(p, "bench-" + i);
        }

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong verdicts = new AtomicLong();
        ExecutorService reviewers = Executors.newFixedThreadPool(Math.max(1, SIMULATED));
        for (int i = 1; i <= SIMULATED; i++) {
            String name = "bench-" + i;
            reviewers.submit(() -> {
                // plain HttpClient + Jackson: RestAssured's Groovy JSON paths would eat the cores the server needs
                var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                var json = new ObjectMapper();
                String auth = "Basic " + Base64.getEncoder().encodeToString((name + ":" + name + "-password")
                        .getBytes(StandardCharsets.UTF_8));
                String base = root.toString();
                String[] choices = {"accept", "reject", "unsure"};
                int n = 0;
                while (running.get()) {
                    var next = http.send(HttpRequest.newBuilder(URI.create(base + "api/projects/" + p
                                    + "/review/next?modelId=" + model)).header("Authorization", auth)
                                    .POST(HttpRequest.BodyPublishers.noBody()).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (next.statusCode() != 200) {
                        break;
                    }
                    long sample = json.readTree(next.body()).get("sampleId").asLong();
                    long mapId = json.readTree(next.body()).get("saliencyMapId").asLong();
                    var verdict = http.send(HttpRequest.newBuilder(URI.create(base + "api/samples/"
                                    + sample + "/reviews")).header("Authorization", auth)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(
                                    Map.of("saliencyMapId", mapId, "verdict", choices[n++ % 3])))).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (verdict.statusCode() != 201) {
                        throw new IllegalStateException("verdict answered " + verdict.statusCode() + ": " + verdict.body());
                    }
                    verdicts.incrementAndGet();
                    if (THINK_MS > 0) {
                        Thread.sleep(THINK_MS);
                    }
                }
                return null;
            });
        }

        WebDriver browser = Chromium.start();
        List<Double> latencies;
        double seconds;
        long simulated;
        try {
            BrowserLogin.logIn(browser, root.toString(), "bench-0", "bench-0-password");
            browser.get(root + "projects/" + p + "/review");
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
            JavascriptExecutor js = (JavascriptExecutor) browser;
            wait.until(d -> js.executeScript("const c = document.getElementById('review-canvas'); "
                    + "return c && c.getAttribute('data-rendered-key') || null;"));
            js.executeScript("""
                    window.__lat = []; window.__t0 = 0;
                    document.addEventListener('keydown', () => { window.__t0 = performance.now(); }, true);
                    document.getElementById('review-canvas').addEventListener('rendered', () => {
                      if (window.__t0) { window.__lat.push(performance.now() - window.__t0); window.__t0 = 0; }
                    });""");
            long v0 = verdicts.get();
            long t0 = System.nanoTime();
            for (int i = 0; i < MEASURED + 10; i++) {
                String before = (String) js.executeScript(
                        "return document.getElementById('review-canvas').getAttribute('data-rendered-key');");
                new Actions(browser).sendKeys(i % 2 == 0 ? "a" : "r").perform();
                try {
                    wait.until(d -> {
                        Object now = js.executeScript("return document.getElementById('review-canvas').getAttribute('data-rendered-key');");
                        return now != null && !now.equals(before);
                    });
                } catch (TimeoutException e) {
                    throw new AssertionError("no next sample after key " + i + ": " + js.executeScript(
                            "const s = document.getElementById('review-status'); return s ? s.textContent : 'no status';"), e);
                }
                if (i == 9) {
                    js.executeScript("window.__lat = [];");
                    t0 = System.nanoTime();
                    v0 = verdicts.get();
                }
            }
            seconds = (System.nanoTime() - t0) / 1e9;
            simulated = verdicts.get() - v0;
            @SuppressWarnings("unchecked")
            List<Number> raw = (List<Number>) js.executeScript("return window.__lat;");
            latencies = new ArrayList<>(raw.stream().map(Number::doubleValue).toList());
            Path shot = Path.of("target", "screenshots", "review-view-fashion-mnist.png");
            Files.createDirectories(shot.getParent());
            Files.write(shot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        } finally {
            running.set(false);
            reviewers.shutdown();
            reviewers.awaitTermination(30, TimeUnit.SECONDS);
            browser.quit();
        }
        Collections.sort(latencies);
        System.out.printf("%nREVIEW BENCHMARK  %d verdicts by key in a real browser, %d simulated reviewers on the same "
                        + "project (pause between verdicts %d ms), %d cores%n", latencies.size(), SIMULATED, THINK_MS,
                Runtime.getRuntime().availableProcessors());
        System.out.printf("  key → next sample drawn:  p50 %.0f ms   p95 %.0f ms   max %.0f ms%n",
                at(latencies, 0.50), at(latencies, 0.95), latencies.get(latencies.size() - 1));
        System.out.printf("  meanwhile the simulated reviewers stored %d verdicts in %.1f s (%.0f/s)%n%n",
                simulated, seconds, simulated / seconds);
        System.out.printf(Locale.ROOT, "BENCH {\"name\":\"review\",\"machine\":\"%s\",\"verdicts\":%d,\"simulatedReviewers\":%d,"
                        + "\"thinkMs\":%d,\"p50Ms\":%.1f,\"p95Ms\":%.1f,\"maxMs\":%.1f,\"simulatedVerdicts\":%d,"
                        + "\"simulatedSeconds\":%.2f,\"simulatedVerdictsPerSecond\":%.1f}%n", Host.machine(), latencies.size(),
                SIMULATED, THINK_MS, at(latencies, 0.50), at(latencies, 0.95), latencies.get(latencies.size() - 1), simulated,
                seconds, simulated / seconds);
    }

    private static double at(List<Double> sorted, double q) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    }
}
