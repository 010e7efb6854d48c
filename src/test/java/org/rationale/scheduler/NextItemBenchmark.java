package org.rationale.scheduler;

import java.util.Map;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.rationale.review.ReviewService;
import org.rationale.security.Caller;
import org.rationale.security.Role;
import org.rationale.testing.Api;
import org.rationale.testing.Host;
import org.rationale.testing.PostgresTestResource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;

/**
 * Fetching the next item of a scheduler-ranked queue (10,000 ranked training samples) while 50
 * reviewers work the same project: each asks for its next sample (the measured call: the
 * review service, reservation included, without HTTP), "reviews" it and asks again, pausing
 * {@code bench.think-ms} between samples (default 1,000; 0 = as fast as the server answers). The
 * baseline in the same run is one reviewer alone. Goal: p95 ≤ 20 ms.
 * Run: {@code mvn test -Dtest=NextItemBenchmark -DexcludedGroups=none}.
 */
@QuarkusTest
@Tag("benchmark")
@WithTestResource(PostgresTestResource.class)
class NextItemBenchmark {

    private static final int REVIEWERS = Integer.getInteger("bench.reviewers", 50);
    private static final int THINK_MS = Integer.getInteger("bench.think-ms", 1000);
    private static final int PER_REVIEWER = Integer.getInteger("bench.per-reviewer", 20);

    @Inject
    ReviewService reviews;
    @Inject
    EntityManager em;

    @Transactional
    void rank(long project, long model) {
        em.createNativeQuery("insert into review_queue (project_id, model_version_id, strategy, position, sample_id, score, "
                        + "components) select ?1, ?2, 'hybrid', (row_number() over (order by md5(id::text))) - 1, id, 0.5, '{}' "
                        + "from samples where project_id = ?1 and split = 'train'")
                .setParameter(1, project).setParameter(2, model).executeUpdate();
    }

    @Test
    void nextItemUnderFiftyReviewers() throws Exception {
        long p = Api.newProject("next item bench");
        Api.importIdx(p, 10_000, "train");
        long model = Api.uploadFixtureCnn(p);
        rank(p, model);
        given().contentType(ContentType.JSON).body(Map.of("overlap", 1))
                .put("/api/projects/" + p + "/review/settings").then().statusCode(200);
        List<Caller> callers = new ArrayList<>();
        for (int i = 0; i <= REVIEWERS; i++) {
            String name = "nb-" + i;
            Api.addMember(p, Api.newUser(name, "expert"));
            callers.add(new Caller(name, Role.EXPERT));
        }
        // baseline: one reviewer alone
        List<Double> alone = new ArrayList<>();
        List<Long> seenAlone = new ArrayList<>();
        for (int k = 0; k < 50; k++) {
            long t0 = System.nanoTime();
            long s = reviews.next(p, callers.get(REVIEWERS), model, "train", seenAlone).orElseThrow();
            alone.add((System.nanoTime() - t0) / 1e6);
            seenAlone.add(s);
        }
        List<Double> loaded = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(REVIEWERS);
        CountDownLatch done = new CountDownLatch(REVIEWERS);
        long wall = System.nanoTime();
        for (int i = 0; i < REVIEWERS; i++) {
            Caller c = callers.get(i);
            int offset = i;
            pool.submit(() -> {
                try {
                    Thread.sleep(offset * (long) THINK_MS / REVIEWERS);
                    List<Long> seen = new ArrayList<>();
                    for (int k = 0; k < PER_REVIEWER; k++) {
                        long t0 = System.nanoTime();
                        long s = reviews.next(p, c, model, "train", seen).orElseThrow();
                        loaded.add((System.nanoTime() - t0) / 1e6);
                        seen.add(s);
                        if (THINK_MS > 0) {
                            Thread.sleep(THINK_MS);
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            });
        }
        done.await(30, TimeUnit.MINUTES);
        pool.shutdown();
        double seconds = (System.nanoTime() - wall) / 1e9;
        double[] a = alone.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double[] l = loaded.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        System.out.printf(Locale.ROOT, "NEXT alone: p50 %.1f ms, p95 %.1f ms over %d calls%n", pct(a, 50), pct(a, 95), a.length);
        System.out.printf(Locale.ROOT, "NEXT %d reviewers (think %d ms): p50 %.1f ms, p95 %.1f ms, max %.1f ms over %d calls, "
                        + "%.0f calls/s; p95 ratio to alone %.1f%n", REVIEWERS, THINK_MS, pct(l, 50), pct(l, 95), l[l.length - 1],
                l.length, l.length / seconds, pct(l, 95) / pct(a, 95));
        System.out.printf(Locale.ROOT, "BENCH {\"name\":\"next-item\",\"machine\":\"%s\",\"reviewers\":%d,\"thinkMs\":%d,"
                        + "\"aloneP50Ms\":%.2f,\"aloneP95Ms\":%.2f,\"aloneCalls\":%d,\"loadedP50Ms\":%.2f,\"loadedP95Ms\":%.2f,"
                        + "\"loadedMaxMs\":%.2f,\"loadedCalls\":%d,\"callsPerSecond\":%.1f,\"p95Ratio\":%.3f}%n", Host.machine(),
                REVIEWERS, THINK_MS, pct(a, 50), pct(a, 95), a.length, pct(l, 50), pct(l, 95), l[l.length - 1], l.length,
                l.length / seconds, pct(l, 95) / pct(a, 95));
    }

    private static double pct(double[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }
}
