package org.rationale.model;

import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rationale.database.EmbeddedPostgres;
import org.rationale.testing.AppProcess;
import org.rationale.testing.RealModels;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server's memory stays bounded as models come and go: the packaged jar runs as a real server
 * (one worker thread, a model cache that holds one ResNet-18) against a real PostgreSQL; 20 times a
 * ResNet-18 is uploaded as a new version (checked by loading and running it), a saliency job of one
 * photo by two methods runs on it (which loads it into the cache and evicts the one before: the
 * leak lies in loading and evicting models, so one sample is enough), and the process's resident
 * set ({@code VmRSS} of /proc/&lt;pid&gt;/status) after the last cycle must stay within 500 MB of
 * its level after the first.
 */
class ModelMemoryIT {

    private static final String ADMIN_PASSWORD = "memory-admin-password";
    private static final String OCTETS = "application/octet-stream";
    private static final int CYCLES = 20;
    private static final long BOUND_KB = 500 * 1024;

    private Path dir;
    private EmbeddedPostgres pg;
    private Process server;

    @BeforeEach
    void database() throws Exception {
        dir = Files.createTempDirectory("rationale-memory-it");
        pg = EmbeddedPostgres.start(dir.resolve("db"), false, AppProcess.freePort());
    }

    @AfterEach
    void stopAll() throws Exception {
        // the port and login set below are global: the next IT in this JVM must not inherit them
        RestAssured.reset();
        if (server != null) {
            server.destroyForcibly();
            server.waitFor(30, TimeUnit.SECONDS);
        }
        pg.close();
        // 20 ResNet-18 versions leave about 3 GB of database: only the server's log is kept
        for (String sub : List.of("db", "data")) {
            Path p = dir.resolve(sub);
            if (Files.exists(p)) {
                try (Stream<Path> all = Files.walk(p)) {
                    for (Path f : all.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(f);
                    }
                }
            }
        }
    }

    private int startServer() throws IOException {
        int port = AppProcess.freePort();
        Path log = dir.resolve("server.log");
        server = AppProcess.start(Map.ofEntries(
                Map.entry("QUARKUS_DATASOURCE_JDBC_URL", pg.jdbcUrl()),
                Map.entry("QUARKUS_DATASOURCE_USERNAME", pg.username()),
                Map.entry("QUARKUS_DATASOURCE_PASSWORD", pg.password()),
                Map.entry("QUARKUS_HTTP_PORT", Integer.toString(port)),
                Map.entry("RATIONALE_DATA_DIR", dir.resolve("data").toString()),
                Map.entry("RATIONALE_ROLE", "server"),
                Map.entry("RATIONALE_WORKER_THREADS", "1"),
                // one ResNet-18 (about 90 MB with its two parts) fits, two do not: every job evicts the model before
                Map.entry("RATIONALE_MODELS_CACHE_BYTES", "150M"),
                Map.entry("RATIONALE_DEMO_SEED", "false"),
                Map.entry("RATIONALE_WORKER_SELF_CHECK_RATE", "0"),
                Map.entry("RATIONALE_ADMIN_PASSWORD", ADMIN_PASSWORD)), log);
        AppProcess.awaitReady(port, server, log);
        return port;
    }

    /** The resident set of the server process in kB, from /proc. */
    private long rssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(server.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new AssertionError("no VmRSS in /proc/" + server.pid() + "/status");
    }

    /** Committed bytes of the Java heap, from the server's metrics (to tell heap from native growth). */
    private static long heapCommittedMb() {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        double sum = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith("jvm_memory_committed_bytes{") && line.contains("area=\"heap\"")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return Math.round(sum / (1 << 20));
    }

    private static JsonPath awaitEnd(long job) {
        long deadline = System.currentTimeMillis() + 300_000;
        while (System.currentTimeMillis() < deadline) {
            JsonPath j = given().get("/api/jobs/" + job).then().statusCode(200).extract().jsonPath();
            if (List.of("succeeded", "failed", "cancelled").contains(j.getString("state"))) {
                return j;
            }
            AppProcess.pause(200);
        }
        throw new AssertionError("job " + job + " did not end in 5 minutes");
    }

    @Test
    void residentSetStaysWithin500MbOverTwentyUploadsAndJobsOfAResNet18() throws Exception {
        byte[] whole = Files.readAllBytes(RealModels.resnet18());
        byte[] features = Files.readAllBytes(RealModels.resnet18Features());
        byte[] classifier = Files.readAllBytes(RealModels.resnet18Classifier());
        String spec = RealModels.resnet18Spec();
        byte[] photos = Files.readAllBytes(RealModels.photosZip());
        RestAssured.port = startServer();
        RestAssured.authentication = RestAssured.preemptive().basic("admin", ADMIN_PASSWORD);
        long project = given().contentType(ContentType.JSON).body(Map.of("name", "memory")).post("/api/projects")
                .then().statusCode(201).extract().jsonPath().getLong("id");
        given().multiPart("archive", "photos.zip", photos, "application/zip").multiPart("split", "test")
                .post("/api/projects/" + project + "/datasets").then().statusCode(201);
        long photo = given().get("/api/projects/" + project + "/samples?limit=1").then().statusCode(200).extract()
                .jsonPath().getLong("items[0].id");
        long first = 0;
        List<String> figures = new ArrayList<>();
        for (int cycle = 1; cycle <= CYCLES; cycle++) {
            long model = given().multiPart("model", "resnet18.pt", whole, OCTETS)
                    .multiPart("features", "f.pt", features, OCTETS)
                    .multiPart("classifier", "c.pt", classifier, OCTETS)
                    .multiPart("spec", spec).post("/api/projects/" + project + "/models").then().statusCode(201)
                    .extract().jsonPath().getLong("id");
            long job = given().contentType(ContentType.JSON)
                    .body(Map.of("type", "saliency", "modelId", model,
                            "methods", List.of(Map.of("name", "vanilla-gradient"), Map.of("name", "grad-cam")),
                            "samples", List.of(photo)))
                    .post("/api/jobs").then().statusCode(202).extract().jsonPath().getLong("jobId");
            JsonPath done = awaitEnd(job);
            assertEquals("succeeded", done.getString("state"), done.prettify());
            assertEquals(1, done.getLong("itemsDone"));
            long rss = rssKb();
            if (cycle == 1) {
                first = rss;
            }
            figures.add(String.format(Locale.ROOT, "cycle %d: RSS %d MB, heap committed %d MB", cycle, rss / 1024,
                    heapCommittedMb()));
        }
        long last = rssKb();
        String report = String.join("\n", figures);
        System.out.println(report);
        assertTrue(last - first <= BOUND_KB, String.format(Locale.ROOT,
                "RSS grew from %d MB after the first cycle to %d MB after the last (bound: 500 MB more):%n%s",
                first / 1024, last / 1024, report));
    }
}
