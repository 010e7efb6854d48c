package org.rationale.worker;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.rationale.explain.ExplainableModel;
import org.rationale.explain.InputBatch;
import org.rationale.saliency.EngineRepeatability;
import org.rationale.testing.PostgresTestResource;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The worker's engine self-check through the real worker path: a repeatable engine passes, a wrong answer stops the worker. */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class SelfCheckTest {

    @Inject
    WorkerPool pool;
    @Inject
    JobService jobs;
    @Inject
    EntityManager em;

    @AfterEach
    void backToDefaults() {
        pool.stop();
        pool.selfCheck(0.01, UnaryOperator.identity());
    }

    /**
     * A model that answers right, except that every second gradient call comes back with one value
     * changed by half the gradient's largest magnitude: finite, plausible, wrong.
     */
    static final class SometimesWrong implements ExplainableModel {
        private final ExplainableModel inner;
        private final AtomicInteger calls;

        SometimesWrong(ExplainableModel inner, AtomicInteger calls) {
            this.inner = inner;
            this.calls = calls;
        }

        @Override public int channels() { return inner.channels(); }
        @Override public int height() { return inner.height(); }
        @Override public int width() { return inner.width(); }
        @Override public int classes() { return inner.classes(); }
        @Override public float[] black() { return inner.black(); }
        @Override public float[] white() { return inner.white(); }
        @Override public int maxBatch() { return inner.maxBatch(); }
        @Override public float[] logits(InputBatch x) { return inner.logits(x); }
        @Override public boolean supportsCam() { return inner.supportsCam(); }
        @Override public CamResult camGradient(InputBatch x, int[] targets) { return inner.camGradient(x, targets); }

        @Override
        public GradientResult gradient(InputBatch x, int[] targets) {
            GradientResult r = inner.gradient(x, targets);
            if (calls.incrementAndGet() % 2 == 0) {
                float[] g = r.gradient().clone();
                float largest = 0;
                for (float v : g) {
                    largest = Math.max(largest, Math.abs(v));
                }
                g[g.length / 3] += 0.5f * largest;
                return new GradientResult(r.logits(), g);
            }
            return r;
        }
    }

    private static JsonPath await(long job) throws InterruptedException {
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

    private static JsonPath workerCheck() {
        return given().auth().none().get("/q/health/live").then().extract().jsonPath();
    }

    @Transactional
    long maps(long model, boolean flagged) {
        return ((Number) em.createNativeQuery("select count(*) from saliency_maps where model_version_id = ?1 and "
                + "(self_check is not null) = ?2").setParameter(1, model).setParameter(2, flagged).getSingleResult())
                .longValue();
    }

    @Transactional
    long leasedOrDone(long job) {
        return ((Number) em.createNativeQuery("select count(*) from job_items where job_id = ?1 and state <> 'queued'")
                .setParameter(1, job).getSingleResult()).longValue();
    }

    @Test
    void aRepeatableEngineIsNeverFlaggedWhenEveryMapIsComputedTwice() throws Exception {
        // on a host whose engine answers the same call differently (AMD family 26 here) the check is right to flag
        assumeTrue(EngineRepeatability.repeatable(), EngineRepeatability.REASON);
        long[] pm = JobQueueTest.projectWithModel(12);
        pool.selfCheck(1.0, UnaryOperator.identity());
        long job = JobQueueTest.submit(pm[0], pm[1], List.of(Map.of("name", "vanilla-gradient"),
                Map.of("name", "integrated-gradients", "params", Map.of("steps", "8"))));
        pool.start(1);
        assertEquals("succeeded", await(job).getString("state"));
        assertEquals(24, maps(pm[1], false));
        assertEquals(0, maps(pm[1], true));
        assertTrue(pool.unreliable().isEmpty(), pool.unreliable().toString());
        JsonPath health = workerCheck();
        assertEquals("passed", health.getString("checks.find { it.name == 'worker-threads' }.data.selfCheck"));
        assertTrue(health.getLong("checks.find { it.name == 'worker-threads' }.data.selfChecks") >= 24, health.prettify());
    }

    @Test
    void aWrongMapFlagsItsBatchMarksTheWorkerUnreliableAndStopsItsClaims() throws Exception {
        long[] pm = JobQueueTest.projectWithModel(6);
        AtomicInteger calls = new AtomicInteger();
        pool.selfCheck(1.0, model -> new SometimesWrong(model, calls));
        long job = JobQueueTest.submit(pm[0], pm[1], List.of(Map.of("name", "vanilla-gradient")));
        pool.start(1);
        JsonPath done = await(job);
        assertEquals("succeeded", done.getString("state"));
        // the maps are stored, every one flagged: never silently
        assertEquals(0, maps(pm[1], false));
        assertEquals(6, maps(pm[1], true));
        assertTrue(pool.unreliable().orElseThrow().contains("came out different"), pool.unreliable().toString());

        // health says so (the check stays UP: a restart would only let it claim again on the same engine)
        JsonPath health = workerCheck();
        assertEquals("failed", health.getString("checks.find { it.name == 'worker-threads' }.data.selfCheck"));
        // the probe is anonymous: it says where to look, not which samples
        String said = health.getString("checks.find { it.name == 'worker-threads' }.data.unreliable");
        assertTrue(said.contains("claims nothing more") && !said.contains("sample"), health.prettify());
        // the workers view shows it
        JobService.WorkerStatus me = jobs.workers().stream().filter(w -> w.id().equals(pool.id())).findFirst()
                .orElseThrow();
        assertTrue(me.unreliable() != null && me.unreliable().contains("came out different"), me.toString());
        // the review and the API see the flag on the map
        long sample = given().get("/api/projects/" + pm[0] + "/samples?limit=1").then().extract().jsonPath()
                .getLong("items[0].id");
        given().get("/api/samples/" + sample + "/saliency?modelId=" + pm[1] + "&method=vanilla-gradient").then()
                .statusCode(200).body("selfCheck", containsString("came out different")).body("noSignal", nullValue());

        // no more claims: a new job stays queued
        long next = JobQueueTest.submit(pm[0], pm[1], List.of(Map.of("name", "gradient-x-input")));
        Thread.sleep(3_000);
        assertEquals("queued", given().get("/api/jobs/" + next).then().extract().jsonPath().getString("state"));
        assertEquals(0, leasedOrDone(next));
        given().post("/api/jobs/" + next + "/cancel").then().statusCode(200);
    }
}
