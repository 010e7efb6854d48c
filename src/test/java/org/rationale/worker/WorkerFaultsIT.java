package org.rationale.worker;

import org.rationale.testing.Api;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rationale.database.EmbeddedPostgres;
import org.rationale.saliency.ReferenceFixtures;
import org.rationale.testing.AppProcess;
import org.rationale.testing.Fixtures;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fault tests with real processes: the packaged jar runs as one server (no worker threads) and two
 * worker processes against one real PostgreSQL; a worker is killed with SIGKILL mid-job, or
 * PostgreSQL itself is restarted mid-job, and the job must still end with exactly one map per
 * (sample, method).
 */
class WorkerFaultsIT {

    private static final String ADMIN_PASSWORD = "faults-admin-password";

    private Path dir;
    private EmbeddedPostgres pg;
    private int pgPort;
    private final List<Process> processes = new ArrayList<>();

    @BeforeEach
    void database() throws Exception {
        dir = Files.createTempDirectory("rationale-it");
        pgPort = AppProcess.freePort();
        pg = EmbeddedPostgres.start(dir.resolve("db"), false, pgPort);
    }

    @AfterEach
    void stopAll() throws Exception {
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        pg.close();
    }

    private Process app(String role, int port, int threads) throws IOException {
        Path log = dir.resolve(role + "-" + port + ".log");
        Process p = AppProcess.start(Map.ofEntries(
                Map.entry("QUARKUS_DATASOURCE_JDBC_URL", pg.jdbcUrl()),
                Map.entry("QUARKUS_DATASOURCE_USERNAME", pg.username()),
                Map.entry("QUARKUS_DATASOURCE_PASSWORD", pg.password()),
                Map.entry("QUARKUS_HTTP_PORT", Integer.toString(port)),
                // one folder for every process of the test (so one audit key), never the checkout's ./data
                Map.entry("RATIONALE_DATA_DIR", dir.resolve("data").toString()),
                Map.entry("RATIONALE_ROLE", role),
                Map.entry("RATIONALE_WORKER_THREADS", Integer.toString(threads)),
                Map.entry("RATIONALE_WORKER_LEASE", "PT3S"),
                Map.entry("RATIONALE_WORKER_BATCH_SIZE_CPU", "16"),
                Map.entry("RATIONALE_DEMO_SEED", "false"),
                // faults, not the engine, are under test: on a host whose engine is not repeatable (AMD family 26)
                // the self-check stops a worker at its first mismatch (SelfCheckTest covers it)
                Map.entry("RATIONALE_WORKER_SELF_CHECK_RATE", "0"),
                Map.entry("RATIONALE_ADMIN_PASSWORD", ADMIN_PASSWORD),
                Map.entry("QUARKUS_DATASOURCE_JDBC_BACKGROUND_VALIDATION_INTERVAL", "1S")), log);
        processes.add(p);
        AppProcess.awaitReady(port, p, log);
        return p;
    }

    private long[] projectAndModel(int server, int samples) {
        RestAssured.port = server;
        RestAssured.authentication = RestAssured.preemptive().basic("admin", ADMIN_PASSWORD);
        long p = given().contentType(ContentType.JSON).body(Map.of("name", "faults")).post("/api/projects")
                .then().statusCode(201).extract().jsonPath().getLong("id");
        given().multiPart("images", "i.idx", Fixtures.idxImages(samples, 28, 28), "application/octet-stream")
                .multiPart("labels", "l.idx", Fixtures.idxLabels(samples, 10), "application/octet-stream")
                .multiPart("split", "test").post("/api/projects/" + p + "/datasets").then().statusCode(201);
        String octets = "application/octet-stream";
        long model = given().multiPart("model", "cnn.pt", ReferenceFixtures.bytes("cnn.pt"), octets)
                .multiPart("features", "f.pt", ReferenceFixtures.bytes("cnn-features.pt"), octets)
                .multiPart("classifier", "c.pt", ReferenceFixtures.bytes("cnn-classifier.pt"), octets)
                .multiPart("spec", Api.modelSpec("fixture-cnn", 28, 10))
                .post("/api/projects/" + p + "/models").then().statusCode(201).extract().jsonPath().getLong("id");
        return new long[] {p, model};
    }

    private long submit(long project, long model) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("type", "saliency", "modelId", model,
                        "methods", List.of(Map.of("name", "vanilla-gradient"),
                                Map.of("name", "integrated-gradients", "params", Map.of("steps", "16"))),
                        "samples", Map.of("projectId", project, "split", "test")))
                .post("/api/jobs").then().statusCode(202).extract().jsonPath().getLong("jobId");
    }

    private JsonPath job(long id) {
        return given().get("/api/jobs/" + id).then().statusCode(200).extract().jsonPath();
    }

    private JsonPath awaitEnd(long id, int seconds) {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        while (System.currentTimeMillis() < deadline) {
            JsonPath j;
            try {
                j = job(id);
            } catch (Exception | AssertionError e) {
                AppProcess.pause(500); // the server may be reconnecting to the database
                continue;
            }
            if (List.of("succeeded", "failed", "cancelled").contains(j.getString("state"))) {
                return j;
            }
            AppProcess.pause(250);
        }
        throw new AssertionError("job " + id + " did not end: " + job(id).prettify());
    }

    private void awaitProgress(long id, long atLeast) {
        long deadline = System.currentTimeMillis() + 120_000;
        while (job(id).getLong("itemsDone") < atLeast) {
            assertTrue(System.currentTimeMillis() < deadline, "no progress");
            AppProcess.pause(100);
        }
    }

    private long[] mapCounts(long model) throws Exception {
        try (var c = DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password());
             var st = c.createStatement();
             var rs = st.executeQuery("select count(*), count(distinct (sample_id, method)) from saliency_maps "
                     + "where model_version_id = " + model)) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2)};
        }
    }

    @Test
    void killingAWorkerMidJobLosesAndDuplicatesNothing() throws Exception {
        int server = AppProcess.freePort();
        app("server", server, 0);
        long[] pm = projectAndModel(server, 500);
        long job = submit(pm[0], pm[1]);
        Process first = app("worker", AppProcess.freePort(), 1);
        app("worker", AppProcess.freePort(), 1);
        awaitProgress(job, 60);
        first.destroyForcibly(); // kill -9 in the middle of a batch: its leases expire and the items return
        assertTrue(first.waitFor(30, TimeUnit.SECONDS));
        JsonPath done = awaitEnd(job, 300);
        assertEquals("succeeded", done.getString("state"), done.prettify());
        assertEquals(500, done.getLong("itemsDone"));
        assertEquals(0, done.getLong("itemsFailed"));
        long[] counts = mapCounts(pm[1]);
        assertEquals(1000, counts[0], "maps stored");
        assertEquals(1000, counts[1], "distinct (sample, method)");
    }

    @Test
    void workersCarryOnAfterPostgresRestartsMidJob() throws Exception {
        int server = AppProcess.freePort();
        app("server", server, 0);
        long[] pm = projectAndModel(server, 300);
        long job = submit(pm[0], pm[1]);
        app("worker", AppProcess.freePort(), 1);
        awaitProgress(job, 40);
        pg.close();
        AppProcess.pause(2000);
        pg = EmbeddedPostgres.start(dir.resolve("db"), false, pgPort);
        JsonPath done = awaitEnd(job, 300);
        assertEquals("succeeded", done.getString("state"), done.prettify());
        assertEquals(300, done.getLong("itemsDone"));
        long[] counts = mapCounts(pm[1]);
        assertEquals(600, counts[0]);
        assertEquals(600, counts[1]);
    }
}
