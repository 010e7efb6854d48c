package org.rationale.worker;

import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.rationale.model.ModelVersion;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.rationale.dataset.DatasetService;
import org.rationale.dataset.Split;
import org.rationale.model.ModelService;
import org.rationale.model.PredictionService;
import org.rationale.saliency.AttributionMethods;
import org.rationale.explain.InputBatch;
import org.rationale.testing.Api;
import org.rationale.testing.Host;
import org.rationale.testing.PostgresTestResource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.restassured.RestAssured.given;

/**
 * Prints, in one run: a 10,000-item vanilla-gradient job end to end (claim, compute, encode, store)
 * with 1 and 2 in-process workers against computing the same maps alone (no queue, no database),
 * and claims per second with 8 concurrent claimers. Not part of the default run:
 * {@code mvn test -Dtest=QueueBenchmark -DexcludedGroups=none}.
 */
@QuarkusTest
@Tag("benchmark")
@WithTestResource(PostgresTestResource.class)
class QueueBenchmark {

    @Inject
    WorkerPool pool;
    @Inject
    JobQueue queue;
    @Inject
    DatasetService datasets;
    @Inject
    ModelService models;
    @Inject
    PredictionService predictions;

    private long submit(long project, long model) {
        return submit(model, Map.of("name", "vanilla-gradient"), Map.of("projectId", project, "split", "test"));
    }

    private long submit(long model, Map<String, Object> method, Object samples) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("type", "saliency", "modelId", model, "methods", List.of(method), "samples", samples))
                .post("/api/jobs").then().statusCode(202).extract().jsonPath().getLong("jobId");
    }

    private double runJob(long project, long model, int threads) throws InterruptedException {
        return runJob(submit(project, model), threads);
    }

    private double runJob(long job, int threads) throws InterruptedException {
        long t0 = System.nanoTime();
        pool.start(threads);
        try {
            while (true) {
                if (jobEnded(job)) {
                    break;
                }
                Thread.sleep(20);
            }
        } finally {
            pool.stop();
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    @Inject
    EntityManager em;

    /** A cheap look at the job's state (the full job view counts items; polling it would load the run). */
    @Transactional
    boolean jobEnded(long job) {
        String state = (String) em.createNativeQuery("select state from jobs where id = ?1").setParameter(1, job)
                .getSingleResult();
        return !state.equals("queued") && !state.equals("running");
    }

    @Test
    void printsJobThroughputAgainstComputeAlone() throws Exception {
        // one project per run: the second run must compute its maps again, not find them stored
        long[] first = project();
        long[] second = project();

        var v = models.find(first[1]).orElseThrow();
        var samples = datasets.samples(first[0], Split.TEST, null, 0, 10_000).items();
        List<InputBatch> inputs = new ArrayList<>();
        for (var s : samples) {
            inputs.add(predictions.input(s, v));
        }
        int batch = 64;
        double alone = computeAlone(v, inputs, "vanilla-gradient", Map.of(), batch);
        double one = runJob(first[0], first[1], 1);
        double two = runJob(second[0], second[1], 2);

        // a heavier method on 2,000 of the same images: the queue's cost per item stays, the compute grows
        int few = 2_000;
        double igAlone = computeAlone(v, inputs.subList(0, few), "integrated-gradients", Map.of("steps", "16"), batch);
        double igJob = runJob(submit(first[1], Map.of("name", "integrated-gradients", "params", Map.of("steps", "16")),
                samples.subList(0, few).stream().map(x -> x.id).toList()), 1);

        long claimJob = submit(first[0], first[1]);
        ExecutorService claimers = Executors.newFixedThreadPool(8);
        List<Future<Integer>> counts = new ArrayList<>();
        long c0 = System.nanoTime();
        for (int w = 0; w < 8; w++) {
            String worker = "bench-" + w;
            counts.add(claimers.submit(() -> {
                int claims = 0;
                while (!queue.claim(worker, 64, Duration.ofMinutes(5), 3).isEmpty()) {
                    claims++;
                }
                return claims;
            }));
        }
        int claims = 0;
        for (var f : counts) {
            claims += f.get();
        }
        double claimSeconds = (System.nanoTime() - c0) / 1e9;
        claimers.shutdown();
        queue.cancel(claimJob);

        System.out.printf("%nQUEUE BENCHMARK  10,000 Fashion-MNIST test images, vanilla gradient, fixture CNN, %d cores%n",
                Runtime.getRuntime().availableProcessors());
        System.out.printf("  compute alone (prediction inputs ready, batches of %d): %6.2f s  %7.0f maps/s%n", batch, alone, 10_000 / alone);
        System.out.printf("  job, 1 worker thread:                                   %6.2f s  %7.0f maps/s  ratio %.2f%n", one, 10_000 / one, alone / one);
        System.out.printf("  job, 2 worker threads:                                  %6.2f s  %7.0f maps/s  ratio %.2f%n", two, 10_000 / two, alone / two);
        System.out.printf("  claims of 64 items, 8 concurrent claimers: %d claims in %.2f s = %.0f claims/s%n",
                claims, claimSeconds, claims / claimSeconds);
        System.out.printf("  integrated gradients (16 steps), first %d images: compute alone %.2f s, job with 1 worker thread "
                + "%.2f s, ratio %.2f%n%n", few, igAlone, igJob, igAlone / igJob);
        System.out.printf(Locale.ROOT, "BENCH {\"name\":\"queue\",\"model\":\"fixture CNN\",\"machine\":\"%s\",\"maps\":10000,"
                        + "\"batch\":%d,\"aloneSeconds\":%.3f,\"aloneMapsPerSecond\":%.1f,\"oneWorkerSeconds\":%.3f,"
                        + "\"oneWorkerMapsPerSecond\":%.1f,\"oneWorkerRatio\":%.3f,\"twoWorkersSeconds\":%.3f,"
                        + "\"twoWorkersMapsPerSecond\":%.1f,\"twoWorkersRatio\":%.3f,\"claims\":%d,\"claimSeconds\":%.3f,"
                        + "\"claimsPerSecond\":%.1f,\"igImages\":%d,\"igAloneSeconds\":%.3f,\"igJobSeconds\":%.3f,"
                        + "\"igRatio\":%.3f}%n", Host.machine(), batch, alone, 10_000 / alone, one, 10_000 / one, alone / one,
                two, 10_000 / two, alone / two, claims, claimSeconds, claims / claimSeconds, few, igAlone, igJob,
                igAlone / igJob);
    }

    /** Predictions and maps of the inputs in batches, no queue, no database: what a job must at least do. */
    private double computeAlone(ModelVersion v, List<InputBatch> inputs, String name,
                                Map<String, String> given, int batch) {
        var method = new AttributionMethods().get(name);
        var params = method.parameters().bind(method.name(), given);
        long t0 = System.nanoTime();
        try (ModelService.Lease lease = models.lease(v)) {
            for (int start = 0; start < inputs.size(); start += batch) {
                int n = Math.min(batch, inputs.size() - start);
                float[] all = new float[n * 784];
                int[] targets = new int[n];
                for (int i = 0; i < n; i++) {
                    System.arraycopy(inputs.get(start + i).values(), 0, all, i * 784, 784);
                }
                // what a job computes: the prediction (target = predicted class), then the map
                float[] logits = lease.model().logits(inputs.get(0).with(n, all));
                for (int i = 0; i < n; i++) {
                    int best = 0;
                    for (int k = 1; k < 10; k++) {
                        best = logits[i * 10 + k] > logits[i * 10 + best] ? k : best;
                    }
                    targets[i] = best;
                }
                method.attribute(lease.model(), inputs.get(0).with(n, all), targets, params);
            }
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    private long[] project() {
        long p = Api.newProject("queue benchmark");
        given().contentType(ContentType.JSON).body(Map.of("name", "t10k", "split", "test",
                        "images", "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz",
                        "labels", "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz"))
                .post("/api/projects/" + p + "/datasets/from-path").then().statusCode(201);
        return new long[] {p, Api.uploadFixtureCnn(p)};
    }
}
