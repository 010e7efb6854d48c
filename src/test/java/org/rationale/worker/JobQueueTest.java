package org.rationale.worker;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.hamcrest.Matchers;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.junit.jupiter.api.Test;
import org.rationale.testing.Api;
import org.rationale.testing.Fixtures;
import org.rationale.testing.PostgresTestResource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class JobQueueTest {

    @Inject
    JobQueue queue;
    @Inject
    WorkerPool pool;
    @Inject
    EntityManager em;

    /** A project with n 28×28 test samples and the fixture CNN; returns {project, model}. */
    static long[] projectWithModel(int n) {
        long p = Api.newProject("jobs");
        Api.importIdx(p, n, "test");
        return new long[] {p, Api.uploadFixtureCnn(p)};
    }

    static long submit(long project, long model, List<Map<String, Object>> methods) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("type", "saliency", "modelId", model, "methods", methods,
                        "samples", Map.of("projectId", project, "split", "test")))
                .post("/api/jobs").then().statusCode(202).extract().jsonPath().getLong("jobId");
    }

    private JsonPath await(long job) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            JsonPath j = given().get("/api/jobs/" + job).then().statusCode(200).extract().jsonPath();
            if (List.of("succeeded", "failed", "cancelled").contains(j.getString("state"))) {
                return j;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("job " + job + " did not end");
    }

    @Transactional
    long maps(long model) {
        return ((Number) em.createNativeQuery("select count(*) from saliency_maps where model_version_id = ?1")
                .setParameter(1, model).getSingleResult()).longValue();
    }

    @Test
    void saliencyJobWritesExactlyOneMapPerSampleAndMethod() throws Exception {
        long[] pm = projectWithModel(30);
        long job = submit(pm[0], pm[1], List.of(Map.of("name", "vanilla-gradient"),
                Map.of("name", "integrated-gradients", "params", Map.of("steps", "8"))));
        pool.start(2);
        try {
            JsonPath done = await(job);
            assertEquals("succeeded", done.getString("state"));
            assertEquals(30, done.getLong("itemsDone"));
            assertEquals(30, done.getLong("itemsTotal"));
            assertEquals(1.0, done.getDouble("progress"), 1e-9);
        } finally {
            pool.stop();
        }
        assertEquals(60, maps(pm[1]));
        // jobs skip the deletion/insertion curves; reading the map leaves it as stored, a POST adds them
        // (curves=true: the answer waits for them instead of leaving them to the background)
        long sample = given().get("/api/projects/" + pm[0] + "/samples?limit=1").then().extract().jsonPath().getLong("items[0].id");
        given().get("/api/samples/" + sample + "/saliency?modelId=" + pm[1] + "&method=vanilla-gradient").then()
                .statusCode(200).body("metrics.deletionAuc", Matchers.nullValue()).body("curves", Matchers.equalTo("none"));
        given().post("/api/samples/" + sample + "/saliency?modelId=" + pm[1] + "&method=vanilla-gradient&curves=true")
                .then().statusCode(200).body("metrics.deletionAuc", Matchers.notNullValue())
                .body("curves", Matchers.equalTo("computed"));
        assertEquals(60, maps(pm[1]));
        // the same job again computes nothing new: maps are stored once per key
        long again = submit(pm[0], pm[1], List.of(Map.of("name", "vanilla-gradient")));
        pool.start(1);
        try {
            assertEquals("succeeded", await(again).getString("state"));
        } finally {
            pool.stop();
        }
        assertEquals(60, maps(pm[1]));
    }

    @Test
    void concurrentClaimersNeverClaimTheSameItem() throws Exception {
        long[] pm = projectWithModel(200);
        long job = submit(pm[0], pm[1], List.of(Map.of("name", "vanilla-gradient")));
        ExecutorService claimers = Executors.newFixedThreadPool(8);
        List<Future<List<Long>>> results = new ArrayList<>();
        for (int w = 0; w < 8; w++) {
            String worker = "claimer-" + w;
            results.add(claimers.submit(() -> {
                List<Long> mine = new ArrayList<>();
                List<JobQueue.Claim> c;
                while (!(c = queue.claim(worker, 7, Duration.ofMinutes(5), 3)).isEmpty()) {
                    c.forEach(x -> mine.add(x.itemId()));
                }
                return mine;
            }));
        }
        List<Long> all = new ArrayList<>();
        for (var f : results) {
            all.addAll(f.get());
        }
        claimers.shutdown();
        Set<Long> distinct = new HashSet<>(all);
        assertEquals(all.size(), distinct.size(), "an item was claimed twice");
        assertEquals(200, distinct.size());
        queue.cancel(job);
    }

    @Test
    void anExpiredLeasePutsItemsBackAndAttemptsRunOut() throws Exception {
        long[] pm = projectWithModel(3);
        long job = submit(pm[0], pm[1], List.of(Map.of("name", "vanilla-gradient")));
        List<JobQueue.Claim> first = queue.claim("dies", 10, Duration.ofMillis(300), 2);
        assertEquals(3, first.size());
        assertTrue(queue.claim("other", 10, Duration.ofMinutes(1), 2).isEmpty(), "a live lease was taken");
        Thread.sleep(500);
        List<JobQueue.Claim> second = queue.claim("dies-too", 10, Duration.ofMillis(300), 2);
        assertEquals(3, second.size(), "expired items did not come back");
        assertTrue(second.stream().allMatch(c -> c.attempt() == 2));
        Thread.sleep(500);
        assertTrue(queue.claim("third", 10, Duration.ofMinutes(1), 2).isEmpty(), "items beyond their attempts came back");
        queue.finishDoneJobs(List.of(job));
        JsonPath j = given().get("/api/jobs/" + job).then().extract().jsonPath();
        assertEquals("failed", j.getString("state"));
        assertEquals(3, j.getLong("itemsFailed"));
        assertTrue(j.getString("failedItems[0].error").contains("lease expired 2 times"), j.getString("failedItems[0].error"));
    }

    @Test
    void aSampleOfAnotherSizeIsFittedToTheModelInsteadOfFailing() throws Exception {
        long[] pm = projectWithModel(5);
        given().multiPart("images", "small.idx", Fixtures.idxImages(1, 5, 5), "application/octet-stream")
                .multiPart("labels", "small-l.idx", Fixtures.idxLabels(1, 2), "application/octet-stream")
                .multiPart("split", "test").post("/api/projects/" + pm[0] + "/datasets").then().statusCode(201);
        long job = submit(pm[0], pm[1], List.of(Map.of("name", "vanilla-gradient")));
        pool.start(1);
        try {
            JsonPath done = await(job);
            assertEquals("succeeded", done.getString("state"));
            assertEquals(6, done.getLong("itemsDone"));
            assertEquals(0, done.getLong("itemsFailed"));
        } finally {
            pool.stop();
        }
    }

    /** Polls the liveness endpoint until the worker check has {@code status}; returns its JSON. */
    private static JsonPath awaitWorkerLiveness(String status, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        JsonPath last = null;
        while (System.currentTimeMillis() < deadline) {
            last = given().auth().none().get("/q/health/live").then().extract().jsonPath();
            if (status.equals(last.getString("checks.find { it.name == 'worker-threads' }.status"))) {
                return last;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("worker-threads never became " + status + ": " + (last == null ? null : last.prettify()));
    }

    @Test
    void aWorkerThreadThatDiesIsReportedDownStartedAgainAndGivesBackItsItems() throws Exception {
        AtomicBoolean dying = new AtomicBoolean(true);
        AtomicInteger deathsWithItems = new AtomicInteger();
        pool.afterClaim(claims -> {
            if (dying.get()) {
                throw new OutOfMemoryError("test: the heap ran out");
            }
        });
        pool.start(1);
        try {
            JsonPath down = awaitWorkerLiveness("DOWN", 30_000);
            assertEquals("DOWN", down.getString("status"));
            assertEquals(0, down.getInt("checks.find { it.name == 'worker-threads' }.data.alive"));
            assertEquals("out of memory", down.getString("checks.find { it.name == 'worker-threads' }.data.lastDeath"));
            given().auth().none().get("/q/health/live").then().statusCode(503);
            dying.set(false);
            JsonPath up = awaitWorkerLiveness("UP", 30_000);
            assertTrue(up.getInt("checks.find { it.name == 'worker-threads' }.data.restarts") >= 1);

            // a death while holding items: they go back to the queue, the thread starts again and finishes them
            pool.afterClaim(claims -> {
                if (!claims.isEmpty() && deathsWithItems.getAndIncrement() == 0) {
                    throw new OutOfMemoryError("test: the heap ran out with items claimed");
                }
            });
            long[] pm = projectWithModel(4);
            long job = submit(pm[0], pm[1], List.of(Map.of("name", "vanilla-gradient")));
            JsonPath done = await(job);
            assertEquals("succeeded", done.getString("state"));
            assertEquals(4, done.getLong("itemsDone"));
            assertTrue(deathsWithItems.get() >= 2, "the thread was not started again after dying with items");
            assertEquals(4, maps(pm[1]));
            awaitWorkerLiveness("UP", 5_000);
        } finally {
            pool.afterClaim(claims -> { });
            pool.stop();
        }
        // a stopped pool runs no thread on purpose: that is not a death
        given().auth().none().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void cancelStopsFurtherClaims() throws Exception {
        long[] pm = projectWithModel(20);
        long job = submit(pm[0], pm[1], List.of(Map.of("name", "vanilla-gradient")));
        List<JobQueue.Claim> some = queue.claim("w", 5, Duration.ofMinutes(1), 3);
        assertEquals(5, some.size());
        given().post("/api/jobs/" + job + "/cancel").then().statusCode(200).body("state", equalTo("cancelled"))
                .body("itemsCancelled", equalTo(15));
        assertTrue(queue.claim("w2", 50, Duration.ofMinutes(1), 3).stream().noneMatch(c -> c.jobId() == job));
        some.forEach(c -> queue.succeed("w", c.itemId())); // in-flight items finish and keep their results
        given().get("/api/jobs/" + job).then().body("itemsDone", equalTo(5)).body("state", equalTo("cancelled"));
        given().post("/api/jobs/" + job + "/cancel").then().statusCode(409);
    }

    @Test
    void rejectsBadJobRequests() {
        long[] pm = projectWithModel(2);
        String url = "/api/jobs";
        given().contentType(ContentType.JSON).body(Map.of("type", "export")).post(url).then().statusCode(400)
                .body("error", startsWith("Unknown job type"));
        given().contentType(ContentType.JSON).body(Map.of("type", "saliency", "modelId", 987654321,
                "methods", List.of(Map.of("name", "vanilla-gradient")), "samples", List.of(1))).post(url).then().statusCode(404);
        given().contentType(ContentType.JSON).body(Map.of("type", "saliency", "modelId", pm[1],
                "methods", List.of(Map.of("name", "lime")), "samples", List.of(1))).post(url).then().statusCode(400)
                .body("error", equalTo("Unknown method 'lime'"));
        given().contentType(ContentType.JSON).body(Map.of("type", "saliency", "modelId", pm[1],
                "methods", List.of(Map.of("name", "occlusion", "params", Map.of("window", "0"))), "samples", List.of(1)))
                .post(url).then().statusCode(400).body("error", startsWith("Invalid window"));
        given().contentType(ContentType.JSON).body(Map.of("type", "saliency", "modelId", pm[1],
                "methods", List.of(Map.of("name", "vanilla-gradient")), "samples", List.of(987654321))).post(url)
                .then().statusCode(400).body("error", equalTo("Unknown samples"));
        given().contentType(ContentType.JSON).body(Map.of("type", "saliency", "modelId", pm[1],
                "methods", List.of(Map.of("name", "vanilla-gradient")), "samples", Map.of("split", "validation")))
                .post(url).then().statusCode(400).body("error", equalTo("Empty sample selection"));
        given().contentType(ContentType.JSON).body(Map.of("type", "saliency", "modelId", pm[1],
                "methods", List.of(Map.of("name", "vanilla-gradient")), "samples", Collections.emptyList()))
                .post(url).then().statusCode(400);
        given().contentType(ContentType.JSON).body(Map.of("type", "predict", "modelId", pm[1],
                "methods", List.of(Map.of("name", "vanilla-gradient")), "samples", List.of(1)))
                .post(url).then().statusCode(400).body("error", equalTo("Methods in a predict job"));
        given().contentType(ContentType.JSON).body(Map.of("type", "saliency", "modelId", pm[1],
                "methods", List.of(Map.of("name", "vanilla-gradient")), "samples", List.of("x")))
                .post(url).then().statusCode(400).body("error", equalTo("Invalid sample id 'x'"));
        given().contentType(ContentType.JSON).body(Map.of("type", "saliency", "modelId", pm[1],
                "methods", List.of(Map.of("name", "vanilla-gradient")), "samples", "all"))
                .post(url).then().statusCode(400).body("error", equalTo("Missing samples"));
        given().contentType(ContentType.JSON).body(Map.of("type", "saliency", "modelId", pm[1],
                "methods", List.of(Map.of("name", "vanilla-gradient")))).post(url).then().statusCode(400)
                .body("error", equalTo("Missing samples"));
        given().contentType(ContentType.JSON).body(Map.of("type", "saliency", "modelId", pm[1],
                "methods", List.of(Map.of("name", "vanilla-gradient")), "samples", Map.of("projectId", pm[0] + 1000)))
                .post(url).then().statusCode(400).body("error", equalTo("Samples of another project"));
        given().contentType(ContentType.JSON).body(Map.of("type", "train", "modelId", pm[1]))
                .post(url).then().statusCode(400).body("error", equalTo("Training starts elsewhere"));
        given().get("/api/jobs/987654321").then().statusCode(404);
        given().post("/api/jobs/987654321/cancel").then().statusCode(404);
    }

    @Transactional
    long predictions(long model) {
        return ((Number) em.createNativeQuery("select count(*) from predictions where model_version_id = ?1")
                .setParameter(1, model).getSingleResult()).longValue();
    }

    @Test
    void aProjectSplitIsAcceptedForProjectIdsBeyondTheSmallIntegerCache() {
        while (Api.newProject("filler") < 128) {
            // Long.valueOf caches -128..127: only larger ids tell equals from ==
        }
        long[] pm = projectWithModel(3);
        assertTrue(pm[0] > 127, "project id " + pm[0]);
        given().contentType(ContentType.JSON)
                .body(Map.of("type", "predict", "modelId", pm[1], "samples", Map.of("projectId", pm[0], "split", "test")))
                .post("/api/jobs").then().statusCode(202);
    }

    @Test
    void predictJobStoresOnePredictionPerSampleAndNoMaps() throws Exception {
        long[] pm = projectWithModel(40);
        long job = given().contentType(ContentType.JSON)
                .body(Map.of("type", "predict", "modelId", pm[1], "samples", Map.of("projectId", pm[0], "split", "test")))
                .post("/api/jobs").then().statusCode(202).extract().jsonPath().getLong("jobId");
        pool.start(1);
        try {
            JsonPath done = await(job);
            assertEquals("succeeded", done.getString("state"));
            assertEquals("predict", done.getString("kind"));
            assertEquals(40, done.getLong("itemsDone"));
        } finally {
            pool.stop();
        }
        assertEquals(40, predictions(pm[1]));
        assertEquals(0, maps(pm[1]));
        // what the job stored is what the API answers
        long sample = given().get("/api/projects/" + pm[0] + "/samples?limit=1").then().extract().jsonPath().getLong("items[0].id");
        given().get("/api/samples/" + sample + "/predictions?modelId=" + pm[1]).then().statusCode(200);
        assertEquals(40, predictions(pm[1]));
    }

    @Test
    void aTrainingItemIsClaimedAloneAheadOfLowerPriorityWork() throws Exception {
        long[] pm = projectWithModel(10);
        long saliency = given().contentType(ContentType.JSON).body(Map.of("type", "saliency", "modelId", pm[1],
                        "methods", List.of(Map.of("name", "vanilla-gradient")), "samples", Map.of("projectId", pm[0]),
                        "priority", 1))
                .post("/api/jobs").then().statusCode(202).extract().jsonPath().getLong("jobId");
        long train = given().contentType(ContentType.JSON).body(Map.of("name", "t", "split", "test", "epochs", 1))
                .post("/api/projects/" + pm[0] + "/trainings").then().statusCode(202).extract().jsonPath().getLong("jobId");
        List<JobQueue.Claim> first = queue.claim("w", 64, Duration.ofMinutes(1), 3);
        assertEquals(10, first.size(), "the higher-priority saliency job comes first");
        assertTrue(first.stream().allMatch(c -> c.jobId() == saliency && c.kind() == JobKind.SALIENCY));
        List<JobQueue.Claim> second = queue.claim("w", 64, Duration.ofMinutes(1), 3);
        assertEquals(1, second.size());
        assertEquals(train, second.get(0).jobId());
        assertEquals(JobKind.TRAIN, second.get(0).kind());
        queue.cancel(saliency);
        queue.cancel(train);
    }
}
