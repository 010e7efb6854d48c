package org.rationale.worker;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;
import org.rationale.model.ComputeDevice;
import org.rationale.model.TrainingService;
import org.rationale.saliency.SaliencyService;
import org.rationale.web.ApiException;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The worker threads of this process: each claims a batch of items and works it by the job's kind
 * (saliency: one stored map per item and method; predict: one stored prediction per item; train: a
 * new model version), then marks the items; a heartbeat renews the leases of items in progress.
 * Any number of processes on any number of machines can run pools against the same PostgreSQL; each
 * computes on its own {@link ComputeDevice} with that device's batch size.
 */
@ApplicationScoped
public class WorkerPool {

    private static final Logger LOG = Logger.getLogger(WorkerPool.class);

    private final JobQueue queue;
    private final JobService jobs;
    private final SaliencyService saliency;
    private final TrainingService training;
    private final ComputeDevice device;
    private final WorkerConfig config;
    private final String id = hostName() + "-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
    private final Set<Long> inProgress = ConcurrentHashMap.newKeySet();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong items = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private ScheduledExecutorService heartbeat;
    private volatile boolean running;

    WorkerPool(JobQueue queue, JobService jobs, SaliencyService saliency, TrainingService training, ComputeDevice device,
               WorkerConfig config) {
        this.queue = queue;
        this.jobs = jobs;
        this.saliency = saliency;
        this.training = training;
        this.device = device;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        if (config.threads() > 0) {
            start(config.threads());
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    /** Starts {@code n} worker threads (a no-op when already running). */
    public synchronized void start(int n) {
        if (running) {
            return;
        }
        running = true;
        queue.reportWorker(id, hostName(), device.kind(), n, 0, 0);
        heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "worker-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(200, config.lease().toMillis() / 3);
        heartbeat.scheduleAtFixedRate(this::beat, period, period, TimeUnit.MILLISECONDS);
        for (int i = 0; i < n; i++) {
            Thread t = new Thread(this::loop, "worker-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        LOG.infof("Worker %s started with %d thread(s) on %s, claiming %d items at a time", id, n, device.device(),
                batchSize());
    }

    /** Stops claiming; items in progress finish first. */
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        for (Thread t : threads) {
            try {
                t.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        threads.clear();
        heartbeat.shutdownNow();
    }

    public String id() {
        return id;
    }

    /** Items claimed at once on this process's device. */
    int batchSize() {
        return device.device().isGpu() ? config.batchSize().gpu() : config.batchSize().cpu();
    }

    private void beat() {
        try {
            queue.heartbeat(id, new ArrayList<>(inProgress), config.lease());
            queue.reportWorker(id, hostName(), "", 0, batches.get(), items.get());
        } catch (RuntimeException e) {
            LOG.warn("Heartbeat failed (database unreachable?): " + e.getMessage());
        }
    }

    /**
     * Claims and computes; the store stage of a batch (encode, write maps, mark items) runs on a
     * second thread while the next batch is claimed and computed, at most one batch behind.
     */
    private void loop() {
        ExecutorService storer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, Thread.currentThread().getName() + "-store");
            t.setDaemon(true);
            return t;
        });
        Future<?> pending = null;
        try {
            while (running) {
                try {
                    List<JobQueue.Claim> claims = queue.claim(id, batchSize(), config.lease(), config.maxAttempts());
                    if (claims.isEmpty()) {
                        awaitStored(pending);
                        pending = null;
                        Thread.sleep(config.idlePoll().toMillis());
                        continue;
                    }
                    claims.forEach(c -> inProgress.add(c.itemId()));
                    Map<Long, List<JobQueue.Claim>> byJob = new java.util.LinkedHashMap<>();
                    claims.forEach(c -> byJob.computeIfAbsent(c.jobId(), j -> new ArrayList<>()).add(c));
                    for (var e : byJob.entrySet()) {
                        List<JobQueue.Claim> group = e.getValue();
                        if (group.get(0).kind().equals("train")) {
                            awaitStored(pending);
                            pending = null;
                            group.forEach(this::train);
                            finish(e.getKey(), group);
                            continue;
                        }
                        Computed done = compute(e.getKey(), group, group.get(0).kind().equals("predict"));
                        awaitStored(pending);
                        pending = done == null ? null : storer.submit(() -> store(done));
                    }
                    batches.incrementAndGet();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (RuntimeException e) {
                    // the database went away, say: leases expire and the items return; try again shortly
                    LOG.warn("Worker loop error: " + e.getMessage());
                    pending = null;
                    inProgress.clear();
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
            awaitStored(pending);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            storer.shutdown();
        }
    }

    private static void awaitStored(Future<?> pending) throws InterruptedException {
        if (pending == null) {
            return;
        }
        try {
            pending.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("Storing a batch failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** A computed batch of one job waiting for its store stage. */
    private record Computed(long jobId, List<JobQueue.Claim> claims, SaliencyService.MapBatch maps,
                            Map<Long, String> failed) {
    }

    /**
     * The compute stage of one job's claimed items: predictions (stored) and maps (not stored yet).
     * If the batch itself breaks, every item is tried on its own, completely, so one bad item cannot
     * sink the rest; then nothing is left for the store stage (null).
     */
    private Computed compute(long jobId, List<JobQueue.Claim> claims, boolean predictOnly) {
        try {
            JobService.SaliencySpec spec = jobs.saliencySpec(jobId);
            List<Long> samples = claims.stream().map(JobQueue.Claim::sampleId).toList();
            if (predictOnly) {
                return new Computed(jobId, claims, null, saliency.predictAll(samples, spec.modelId()));
            }
            SaliencyService.MapBatch maps = saliency.computeMaps(samples, spec.modelId(), calls(spec), spec.target());
            return new Computed(jobId, claims, maps, maps.failed());
        } catch (RuntimeException e) {
            LOG.warnf("Batch of job %d failed (%s); trying its %d items one by one", jobId, e.getMessage(), claims.size());
            claims.forEach(c -> process(c, predictOnly));
            finish(jobId, claims);
            return null;
        }
    }

    private static List<SaliencyService.MethodCall> calls(JobService.SaliencySpec spec) {
        return spec.methods().stream().map(m -> new SaliencyService.MethodCall(m.name(), m.params())).toList();
    }

    /** The store stage: maps written, items marked done or failed, the job closed when nothing is left. */
    private void store(Computed c) {
        try {
            if (c.maps() != null) {
                saliency.store(c.maps());
            }
            List<Long> succeeded = new ArrayList<>();
            for (JobQueue.Claim claim : c.claims()) {
                String error = c.failed().get(claim.sampleId());
                if (error == null) {
                    succeeded.add(claim.itemId());
                } else {
                    queue.fail(id, claim.itemId(), error, config.maxAttempts());
                }
            }
            queue.succeedAll(id, succeeded);
            items.addAndGet(succeeded.size());
            queue.finishDoneJobs(List.of(c.jobId()));
        } finally {
            c.claims().forEach(claim -> inProgress.remove(claim.itemId()));
        }
    }

    private void finish(long jobId, List<JobQueue.Claim> claims) {
        claims.forEach(c -> inProgress.remove(c.itemId()));
        queue.finishDoneJobs(List.of(jobId));
    }

    private void process(JobQueue.Claim c, boolean predictOnly) {
        try {
            JobService.SaliencySpec spec = jobs.saliencySpec(c.jobId());
            Map<Long, String> failed = predictOnly ? saliency.predictAll(List.of(c.sampleId()), spec.modelId())
                    : storedNow(saliency.computeMaps(List.of(c.sampleId()), spec.modelId(), calls(spec), spec.target()));
            String error = failed.get(c.sampleId());
            if (error != null) {
                queue.fail(id, c.itemId(), error, config.maxAttempts());
                return;
            }
            queue.succeed(id, c.itemId());
            items.incrementAndGet();
        } catch (ApiException e) {
            queue.fail(id, c.itemId(), e.getMessage() + (e.detail() == null ? "" : ": " + e.detail()), config.maxAttempts());
        } catch (RuntimeException e) {
            queue.fail(id, c.itemId(), e.getClass().getSimpleName() + ": " + e.getMessage(), config.maxAttempts());
        }
    }

    private Map<Long, String> storedNow(SaliencyService.MapBatch maps) {
        saliency.store(maps);
        return maps.failed();
    }

    /**
     * Runs a training item. A request the data cannot satisfy (an {@link ApiException}) fails at
     * once; anything else (out of memory, the database gone) gets the usual retries.
     */
    private void train(JobQueue.Claim c) {
        try {
            training.run(c.jobId());
            queue.succeed(id, c.itemId());
            items.incrementAndGet();
        } catch (ApiException e) {
            LOG.warnf("Training job %d failed: %s", c.jobId(), e.getMessage());
            queue.fail(id, c.itemId(), e.getMessage() + (e.detail() == null ? "" : ": " + e.detail()), 1);
        } catch (RuntimeException | OutOfMemoryError e) {
            LOG.error("Training job " + c.jobId() + " failed", e);
            queue.fail(id, c.itemId(), e.getClass().getSimpleName() + ": " + e.getMessage(), config.maxAttempts());
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "unknown-host";
        }
    }
}
