package org.rationale.review;

import org.rationale.testing.Host;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.rationale.testing.Api;
import org.rationale.testing.BrowserLogin;
import org.rationale.testing.Chromium;
import org.rationale.testing.Fixtures;
import org.rationale.testing.LargeUploads;
import org.rationale.testing.PostgresTestResource;
import org.rationale.testing.RealModels;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.restassured.RestAssured.given;

/**
 * Key → next sample drawn in a real browser (image and map on the canvas) while 10 simulated
 * reviewers work the same project through the API at a human pace (a pause of {@code bench.think-ms},
 * default 3,000, between verdicts; the browser's expert looks at each sample {@code bench.look-ms},
 * default 1,500, before the key). Two phases in one run on the same server: the baseline without maps
 * computed ahead, then with the maps of each reviewer's next {@link MapsOfNext#AHEAD} samples computed
 * ahead. {@code bench.model}: {@code cnn} (the demo CNN on Fashion-MNIST, default) or {@code resnet18}
 * (the ResNet-18 of testing/RealModels on 224×224 RGB images). Goal: p95 ≤ 150 ms on ResNet-18 maps.
 * Run: {@code mvn test -Dtest=ReviewAheadBenchmark -DexcludedGroups=none [-Dbench.model=resnet18]}.
 */
@QuarkusTest
@Tag("benchmark")
@WithTestResource(PostgresTestResource.class)
@TestProfile(LargeUploads.class)
class ReviewAheadBenchmark {

    private static final int SIMULATED = Integer.getInteger("bench.reviewers", 10);
    private static final int MEASURED = Integer.getInteger("bench.keys", 40);
    private static final int THINK_MS = Integer.getInteger("bench.think-ms", 3000);
    private static final int LOOK_MS = Integer.getInteger("bench.look-ms", 1500);
    private static final String MODEL = System.getProperty("bench.model", "cnn");
    private static final String OCTETS = "application/octet-stream";

    @TestHTTPResource("/")
    URL root;

    @Inject
    MapsOfNext mapsOfNext;

    @Test
    void printsKeyToNextSampleDrawnWithAndWithoutMapsComputedAhead() throws Exception {
        long p = Api.newProject("review ahead " + MODEL);
        long model = MODEL.equals("resnet18") ? resnet18(p) : demoCnn(p);
        for (int i = 0; i <= SIMULATED; i++) {
            Api.addMember(p, Api.newUser("ahead-" + MODEL + "-" + i, "expert"));
        }
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService reviewers = Executors.newFixedThreadPool(SIMULATED);
        for (int i = 1; i <= SIMULATED; i++) {
            String name = "ahead-" + MODEL + "-" + i;
            int offset = i;
            reviewers.submit(() -> {
                simulate(name, p, model, running, offset * (long) THINK_MS / SIMULATED);
                return null;
            });
        }
        WebDriver browser = Chromium.start();
        Map<String, double[]> phases = new LinkedHashMap<>();
        try {
            BrowserLogin.logIn(browser, root.toString(), "ahead-" + MODEL + "-0", "ahead-" + MODEL + "-0-password");
            browser.get(root + "projects/" + p + "/review");
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(120));
            JavascriptExecutor js = (JavascriptExecutor) browser;
            wait.until(d -> js.executeScript("const c = document.getElementById('review-canvas'); "
                    + "return c && c.getAttribute('data-rendered-key') || null;"));
            js.executeScript("""
                    window.__lat = []; window.__t0 = 0;
                    document.addEventListener('keydown', () => { window.__t0 = performance.now(); }, true);
                    document.getElementById('review-canvas').addEventListener('rendered', () => {
                      if (window.__t0) { window.__lat.push(performance.now() - window.__t0); window.__t0 = 0; }
                    });""");
            for (String phase : List.of("without", "ahead")) {
                mapsOfNext.depth(phase.equals("ahead") ? MapsOfNext.AHEAD : 0);
                // a few keys to settle (the first maps ahead are computed after the switch), then measured
                for (int i = 0; i < MEASURED + 5; i++) {
                    if (i == 5) {
                        js.executeScript("window.__lat = [];");
                    }
                    Thread.sleep(LOOK_MS);
                    key(browser, js, wait, i % 2 == 0 ? "a" : "r", i);
                }
                @SuppressWarnings("unchecked")
                List<Number> raw = (List<Number>) js.executeScript("return window.__lat;");
                List<Double> sorted = new ArrayList<>(raw.stream().map(Number::doubleValue).toList());
                Collections.sort(sorted);
                phases.put(phase, new double[] {at(sorted, 0.50), at(sorted, 0.95), sorted.get(sorted.size() - 1),
                        sorted.size()});
            }
        } finally {
            running.set(false);
            mapsOfNext.depth(MapsOfNext.AHEAD);
            reviewers.shutdown();
            reviewers.awaitTermination(60, TimeUnit.SECONDS);
            browser.quit();
        }
        double[] before = phases.get("without");
        double[] after = phases.get("ahead");
        String machine = Host.machine();
        System.out.printf(Locale.ROOT, "%nREVIEW AHEAD BENCHMARK  %s, key → next sample drawn in a real browser, %d simulated "
                        + "reviewers (pause %d ms), the expert looks %d ms at each sample, %s%n", MODEL, SIMULATED,
                THINK_MS, LOOK_MS, machine);
        System.out.printf(Locale.ROOT, "  without maps ahead:  p50 %.0f ms   p95 %.0f ms   max %.0f ms   (%d keys)%n",
                before[0], before[1], before[2], (int) before[3]);
        System.out.printf(Locale.ROOT, "  maps ahead (%d):      p50 %.0f ms   p95 %.0f ms   max %.0f ms   (%d keys)%n",
                MapsOfNext.AHEAD, after[0], after[1], after[2], (int) after[3]);
        System.out.printf(Locale.ROOT, "BENCH {\"name\":\"review-ahead\",\"model\":\"%s\",\"machine\":\"%s\",\"reviewers\":%d,"
                        + "\"thinkMs\":%d,\"lookMs\":%d,\"keys\":%d,\"withoutP50Ms\":%.1f,\"withoutP95Ms\":%.1f,"
                        + "\"aheadP50Ms\":%.1f,\"aheadP95Ms\":%.1f,\"p95Ratio\":%.3f,\"goalP95Ms\":150,\"goalMet\":%b}%n",
                MODEL, machine, SIMULATED, THINK_MS, LOOK_MS, (int) after[3], before[0], before[1], after[0], after[1],
                after[1] / before[1], after[1] <= 150);
    }

    private static void key(WebDriver browser, JavascriptExecutor js, WebDriverWait wait, String key, int i) {
        String before = (String) js.executeScript(
                "return document.getElementById('review-canvas').getAttribute('data-rendered-key');");
        new Actions(browser).sendKeys(key).perform();
        try {
            wait.until(d -> {
                Object now = js.executeScript(
                        "return document.getElementById('review-canvas').getAttribute('data-rendered-key');");
                return now != null && !now.equals(before);
            });
        } catch (TimeoutException e) {
            throw new AssertionError("no next sample after key " + i + ": " + js.executeScript(
                    "const s = document.getElementById('review-status'); return s ? s.textContent : 'no status';"), e);
        }
    }

    /** One reviewer through the API: next sample, verdict, a pause; until the browser is done. */
    private void simulate(String name, long p, long model, AtomicBoolean running, long start) throws Exception {
        // plain HttpClient + Jackson: RestAssured's Groovy JSON paths would eat the cores the server needs
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ObjectMapper json = new ObjectMapper();
        String auth = "Basic " + Base64.getEncoder().encodeToString((name + ":" + name + "-password")
                .getBytes(StandardCharsets.UTF_8));
        String[] choices = {"accept", "reject", "unsure"};
        Thread.sleep(start);
        int n = 0;
        while (running.get()) {
            HttpResponse<String> next = http.send(HttpRequest.newBuilder(URI.create(root + "api/projects/" + p
                            + "/review/next?modelId=" + model)).header("Authorization", auth)
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            if (next.statusCode() != 200) {
                return;
            }
            var handed = json.readTree(next.body());
            HttpResponse<String> verdict = http.send(HttpRequest.newBuilder(URI.create(root + "api/samples/"
                            + handed.get("sampleId").asLong() + "/reviews")).header("Authorization", auth)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(Map.of("saliencyMapId",
                            handed.get("saliencyMapId").asLong(), "verdict", choices[n++ % 3])))).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (verdict.statusCode() != 201) {
                throw new IllegalStateException("verdict answered " + verdict.statusCode() + ": " + verdict.body());
            }
            Thread.sleep(THINK_MS);
        }
    }

    private static long demoCnn(long p) {
        given().contentType(ContentType.JSON).body(Map.of("name", "t10k", "split", "test",
                        "images", "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz",
                        "labels", "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz"))
                .post("/api/projects/" + p + "/datasets/from-path").then().statusCode(201);
        return Api.uploadFixtureCnn(p);
    }

    /** 1,000 smooth 224×224 RGB images in two class folders, and the ResNet-18 with its CAM split. */
    private static long resnet18(long p) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (int i = 0; i < 1000; i++) {
            entries.put((i % 2 == 0 ? "animal/" : "thing/") + i + ".png", Fixtures.encode(smooth(224, 224, i), "png"));
        }
        given().multiPart("archive", "images.zip", Fixtures.zip(entries), "application/zip").multiPart("split", "test")
                .post("/api/projects/" + p + "/datasets").then().statusCode(201);
        return given().multiPart("model", "resnet18.pt", Files.readAllBytes(RealModels.resnet18()), OCTETS)
                .multiPart("features", "f.pt", Files.readAllBytes(RealModels.resnet18Features()), OCTETS)
                .multiPart("classifier", "c.pt", Files.readAllBytes(RealModels.resnet18Classifier()), OCTETS)
                .multiPart("spec", RealModels.resnet18Spec())
                .post("/api/projects/" + p + "/models").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    /** A gradient with a bright disc: compresses well, differs from image to image. */
    private static BufferedImage smooth(int w, int h, int seed) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int cx = (seed * 37) % w;
        int cy = (seed * 61) % h;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                boolean disc = (x - cx) * (x - cx) + (y - cy) * (y - cy) < 900;
                int r = disc ? 250 : (x * 255 / w + seed) % 256;
                int g = disc ? 240 : (y * 255 / h) % 256;
                int b = (seed * 13) % 256;
                img.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return img;
    }

    private static double at(List<Double> sorted, double q) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    }

}
