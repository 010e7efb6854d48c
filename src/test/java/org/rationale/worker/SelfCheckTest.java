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
import org.rationale.saliency.MapEncoding;
import org.rationale.testing.PostgresTestResource;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
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
     * A linear model in plain Java over the leased model's shape: the logit of class c is
     * {@code W[c]·x}, so the input gradient for target c is exactly {@link #weight}(c, ·), a value
     * float16 holds exactly. No engine: it answers the same call the same way on every host.
     */
    static final class Linear implements ExplainableModel {
        private final ExplainableModel shape;

        Linear(ExplainableModel shape) {
            this.shape = shape;
        }

        static float weight(int c, int p) {
            return ((c * 7 + p) % 13 - 6) / 8f;
        }

        @Override public int channels() { return shape.channels(); }
        @Override public int height() { return shape.height(); }
        @Override public int width() { return shape.width(); }
        @Override public int classes() { return shape.classes(); }
        @Override public float[] black() { return shape.black(); }
        @Override public float[] white() { return shape.white(); }

        @Override
        public float[] logits(InputBatch x) {
            int size = x.sampleSize();
            float[] out = new float[x.n() * classes()];
            for (int i = 0; i < x.n(); i++) {
                for (int c = 0; c < classes(); c++) {
                    float sum = 0;
                    for (int p = 0; p < size; p++) {
                        sum += weight(c, p) * x.values()[i * size + p];
                    }
                    out[i * classes() + c] = sum;
                }
            }
            return out;
        }

        @Override
        public GradientResult gradient(InputBatch x, int[] targets) {
            int size = x.sampleSize();
            float[] g = new float[x.n() * size];
            for (int i = 0; i < x.n(); i++) {
                for (int p = 0; p < size; p++) {
                    g[i * size + p] = weight(targets[i], p);
                }
            }
            return new GradientResult(logits(x), g);
        }
    }

    /**
     * A model that answers like {@link Linear}, except that the gradient calls {@code wrong} picks
     * (by their number, from 1) come back with every value of the first sample raised by the call's
     * number times 0.75: finite, plausible, wrong, and different each time.
     */
    static final class Corrupted implements ExplainableModel {
        private final Linear inner;
        private final AtomicInteger calls;
        private final IntPredicate wrong;

        Corrupted(ExplainableModel shape, AtomicInteger calls, IntPredicate wrong) {
            this.inner = new Linear(shape);
            this.calls = calls;
            this.wrong = wrong;
        }

        @Override public int channels() { return inner.channels(); }
        @Override public int height() { return inner.height(); }
        @Override public int width() { return inner.width(); }
        @Override public int classes() { return inner.classes(); }
        @Override public float[] black() { return inner.black(); }
        @Override public float[] white() { return inner.white(); }
        @Override public float[] logits(InputBatch x) { return inner.logits(x); }

        @Override
        public GradientResult gradient(InputBatch x, int[] targets) {
            GradientResult r = inner.gradient(x, targets);
            int call = calls.incrementAndGet();
            if (wrong.test(call)) {
                float[] g = r.gradient().clone();
                for (int p = 0; p < x.sampleSize(); p++) {
                    g[p] += call * 0.75f;
                }
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

    @Transactional
    List<Object[]> storedMaps(long model, String method) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("select target_label, encoding, data from saliency_maps where "
                + "model_version_id = ?1 and method = ?2").setParameter(1, model).setParameter(2, method).getResultList();
        return rows;
    }

    /** Every stored vanilla-gradient map of the model is the right answer: the gradient of a linear model is its weights. */
    void assertStoredGradientsAreTheWeights(long model) {
        List<Object[]> rows = storedMaps(model, "vanilla-gradient");
        assertEquals(6, rows.size());
        for (Object[] row : rows) {
            int target = ((Number) row[0]).intValue();
            float[] stored = MapEncoding.decode((String) row[1], (byte[]) row[2], 784);
            for (int p = 0; p < 784; p++) {
                assertEquals(Linear.weight(target, p), stored[p], "value " + p + " of a map for class " + target);
            }
        }
    }

    private JobService.WorkerStatus status() {
        return jobs.workers().stream().filter(w -> w.id().equals(pool.id())).findFirst().orElseThrow();
    }

    @Test
    void aWrongAnswerOutvotedByTwoComputationsIsStoredRightUnflaggedAndCounted() throws Exception {
        long[] pm = JobQueueTest.projectWithModel(6);
        AtomicInteger calls = new AtomicInteger();
        // the first computation of the batch is wrong, the second and third agree on the right answer
        pool.selfCheck(1.0, model -> new Corrupted(model, calls, call -> call == 1));
        long job = JobQueueTest.submit(pm[0], pm[1], List.of(Map.of("name", "vanilla-gradient")));
        pool.start(1);
        assertEquals("succeeded", await(job).getString("state"));
        assertEquals(3, calls.get());
        assertEquals(6, maps(pm[1], false));
        assertEquals(0, maps(pm[1], true));
        assertStoredGradientsAreTheWeights(pm[1]);
        // the worker goes on, and the disagreement is counted where people look
        assertTrue(pool.unreliable().isEmpty(), pool.unreliable().toString());
        JsonPath health = workerCheck();
        assertEquals("passed", health.getString("checks.find { it.name == 'worker-threads' }.data.selfCheck"));
        assertEquals(1, health.getLong("checks.find { it.name == 'worker-threads' }.data.selfCheckDisagreements"));
        // the workers table hears it with the next heartbeat
        long deadline = System.currentTimeMillis() + 60_000;
        JobService.WorkerStatus me = status();
        while (me.selfCheckDisagreements() == 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
            me = status();
        }
        assertEquals(6, me.selfChecks());
        assertEquals(1, me.selfCheckDisagreements());
    }

    @Test
    void disagreementsThatRecurMarkTheWorkerUnreliableThoughEachWasOutvoted() throws Exception {
        long[] pm = JobQueueTest.projectWithModel(6);
        AtomicInteger calls = new AtomicInteger();
        // every batch: the second of its three computations is wrong, so each is settled by the third
        pool.selfCheck(1.0, model -> new Corrupted(model, calls, call -> call % 3 == 2));
        long job = JobQueueTest.submit(pm[0], pm[1], List.of(Map.of("name", "vanilla-gradient"),
                Map.of("name", "gradient-x-input"), Map.of("name", "integrated-gradients", "params", Map.of("steps", "8"))));
        pool.start(1);
        assertEquals("succeeded", await(job).getString("state"));
        assertEquals(9, calls.get());
        // each map was settled: stored unflagged, the first computation's answer confirmed by the third
        assertEquals(18, maps(pm[1], false));
        assertEquals(0, maps(pm[1], true));
        assertStoredGradientsAreTheWeights(pm[1]);
        String why = pool.unreliable().orElseThrow();
        assertTrue(why.contains("disagreed with itself in 3 of its last 3 checked batches"), why);
        assertEquals(3, workerCheck().getLong("checks.find { it.name == 'worker-threads' }.data.selfCheckDisagreements"));
    }

    @Test
    void aMapNoTwoComputationsAgreeOnFlagsItsBatchMarksTheWorkerUnreliableAndStopsItsClaims() throws Exception {
        long[] pm = JobQueueTest.projectWithModel(6);
        AtomicInteger calls = new AtomicInteger();
        // every computation is wrong, each differently: a deliberately corrupted map that no vote can settle
        pool.selfCheck(1.0, model -> new Corrupted(model, calls, call -> true));
        long job = JobQueueTest.submit(pm[0], pm[1], List.of(Map.of("name", "vanilla-gradient")));
        pool.start(1);
        JsonPath done = await(job);
        assertEquals("succeeded", done.getString("state"));
        // the maps are stored, every one flagged: never silently
        assertEquals(0, maps(pm[1], false));
        assertEquals(6, maps(pm[1], true));
        assertTrue(pool.unreliable().orElseThrow().contains("came out three ways"), pool.unreliable().toString());

        // health says so (the check stays UP: a restart would only let it claim again on the same engine)
        JsonPath health = workerCheck();
        assertEquals("failed", health.getString("checks.find { it.name == 'worker-threads' }.data.selfCheck"));
        // the probe is anonymous: it says where to look, not which samples
        String said = health.getString("checks.find { it.name == 'worker-threads' }.data.unreliable");
        assertTrue(said.contains("claims nothing more") && !said.contains("sample"), health.prettify());
        // the workers view shows it
        JobService.WorkerStatus me = jobs.workers().stream().filter(w -> w.id().equals(pool.id())).findFirst()
                .orElseThrow();
        assertTrue(me.unreliable() != null && me.unreliable().contains("came out three ways"), me.toString());
        // the review and the API see the flag on the map
        long sample = given().get("/api/projects/" + pm[0] + "/samples?limit=1").then().extract().jsonPath()
                .getLong("items[0].id");
        given().get("/api/samples/" + sample + "/saliency?modelId=" + pm[1] + "&method=vanilla-gradient").then()
                .statusCode(200).body("selfCheck", containsString("came out three ways")).body("noSignal", nullValue());

        // no more claims: a new job stays queued
        long next = JobQueueTest.submit(pm[0], pm[1], List.of(Map.of("name", "gradient-x-input")));
        Thread.sleep(3_000);
        assertEquals("queued", given().get("/api/jobs/" + next).then().extract().jsonPath().getString("state"));
        assertEquals(0, leasedOrDone(next));
        given().post("/api/jobs/" + next + "/cancel").then().statusCode(200);
    }
}
