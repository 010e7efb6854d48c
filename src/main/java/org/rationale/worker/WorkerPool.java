package org.rationale.worker;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.rationale.error.DomainError;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;
import org.rationale.model.ComputeDevice;
import org.rationale.model.TrainingService;
import org.rationale.explain.ExplainableModel;
import org.rationale.saliency.MapBatches;
import org.rationale.saliency.SelfCheck;
import org.rationale.saliency.SanityService;

import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;
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
 * new model version; sanity: one stored check per item, i.e. per method), then marks the items; a heartbeat renews the leases of items in progress.
 * Any number of processes on any number of machines can run pools against the same PostgreSQL; each
 * computes on its own {@link ComputeDevice} with that device's batch size. A worker thread that dies
 * (of an {@link Error} such as OutOfMemoryError) gives its items back and is started again after a
 * backoff; {@link #health()} says DOWN while one is not running.
 *
 * <p>Self-check ({@link SelfCheck}): a random share of the batches ({@code rationale.worker.self-check-rate},
 * 1 % by default) is computed twice, identically; where the two differ beyond float16 rounding a third
 * computation decides, the disagreement is counted (the workers view, {@link #health()}) and the
 * next {@link SelfCheck#WATCH_BATCHES} batches are all checked. When no two of three computations
 * agree, or disagreements recur ({@link SelfCheck#RECURRING} among the last
 * {@link SelfCheck#WATCH_BATCHES} checked batches), the worker is marked unreliable (the workers view,
 * the audit trail, {@link #health()}) and claims nothing more until the process restarts; in the
 * first case the batch's maps are stored flagged.
 */
@ApplicationScoped
public class WorkerPool {

    private static final Logger LOG = Logger.getLogger(WorkerPool.class);

    private final JobQueue queue;
    private final JobService jobs;
    private final MapBatches saliency;
    private final TrainingService training;
    private final SanityService sanity;
    private final ComputeDevice device;
    private final WorkerConfig config;
    private final String id = hostName() + "-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
    /** Items in progress, by the worker slot that holds them. */
    private final Map<Long, Integer> inProgress = new ConcurrentHashMap<>();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong items = new AtomicLong();
    private final List<Slot> slots = new CopyOnWriteArrayList<>();
    private final AtomicLong restarts = new AtomicLong();
    private volatile String lastDeath;
    private volatile Consumer<List<JobQueue.Claim>> afterClaim = claims -> { };
    private final AtomicLong selfChecks = new AtomicLong();
    private final AtomicLong disagreements = new AtomicLong();
    /** Whether each of the last checked batches disagreed, oldest first (at most {@link SelfCheck#WATCH_BATCHES}). */
    private final Deque<Boolean> recentChecks = new ArrayDeque<>();
    /** Batches still to be checked, all of them, since the last disagreement. */
    private int watch;
    private volatile double selfCheckRate;
    private volatile UnaryOperator<ExplainableModel> engine = UnaryOperator.identity();
    /** Why this worker's self-check failed; null while it has not. */
    private volatile String unreliable;
    private ScheduledExecutorService heartbeat;
    private volatile boolean running;

    WorkerPool(JobQueue queue, JobService jobs, MapBatches saliency, TrainingService training, SanityService sanity,
               ComputeDevice device, WorkerConfig config) {
        this.queue = queue;
        this.jobs = jobs;
        this.saliency = saliency;
        this.training = training;
        this.sanity = sanity;
        this.device = device;
        this.config = config;
        this.selfCheckRate = config.selfCheckRate();
        new SelfCheck(selfCheckRate, new SplittableRandom(), UnaryOperator.identity()); // refuses a rate outside [0, 1]
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
        heartbeat.scheduleAtFixedRate(() -> neverDying("Heartbeat", this::beat), period, period, TimeUnit.MILLISECONDS);
        heartbeat.scheduleWithFixedDelay(() -> neverDying("Worker supervision", this::supervise), SUPERVISION_MILLIS,
                SUPERVISION_MILLIS, TimeUnit.MILLISECONDS);
        for (int i = 0; i < n; i++) {
            Slot slot = new Slot(i);
            slots.add(slot);
            slot.startThread();
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
        for (Slot slot : slots) {
            try {
                slot.thread.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        slots.clear();
        heartbeat.shutdownNow();
    }

    /** Between supervision rounds: how soon a dead worker thread is noticed. */
    private static final long SUPERVISION_MILLIS = 500;
    /** Restart delays double from the first to the last after deaths in a row. */
    private static final long FIRST_BACKOFF_MILLIS = 1_000;
    private static final long MAX_BACKOFF_MILLIS = 60_000;

    /** One configured worker thread, started again when it dies. */
    private final class Slot {
        final int index;
        volatile Thread thread;
        /** Deaths since the thread last claimed successfully. */
        volatile int deathsInARow;
        volatile long restartAt;

        Slot(int index) {
            this.index = index;
        }

        void startThread() {
            Thread t = new Thread(() -> run(this), "worker-" + index);
            t.setDaemon(true);
            thread = t;
            t.start();
        }
    }

    /** The worker loop of one slot; an Error (or anything the loop let through) ends the thread, which is then mourned. */
    private void run(Slot slot) {
        try {
            loop(slot);
        } catch (Throwable t) {
            died(slot, t);
        }
    }

    private void died(Slot slot, Throwable t) {
        long backoff = Math.min(MAX_BACKOFF_MILLIS, FIRST_BACKOFF_MILLIS << Math.min(slot.deathsInARow, 16));
        slot.deathsInARow++;
        slot.restartAt = System.currentTimeMillis() + backoff;
        lastDeath = t instanceof OutOfMemoryError ? "out of memory" : t instanceof StackOverflowError ? "stack overflow"
                : "unexpected error (see the log)";
        LOG.errorf(t, "Worker thread %s died; it starts again in %d ms", Thread.currentThread().getName(), backoff);
        // its items go back to the queue (an attempt spent) instead of being kept alive by the heartbeat
        List<Long> held = new ArrayList<>();
        inProgress.forEach((item, owner) -> {
            if (owner == slot.index) {
                held.add(item);
            }
        });
        for (Long item : held) {
            inProgress.remove(item);
            try {
                queue.fail(id, item, "Worker thread died: " + lastDeath, config.maxAttempts());
            } catch (RuntimeException e) {
                LOG.warnf("Item %d stays leased until its lease expires: %s", item, e.getMessage());
            }
        }
    }

    /** Starts again every configured worker thread that died, once its backoff has passed. */
    private synchronized void supervise() {
        if (!running) {
            return;
        }
        long now = System.currentTimeMillis();
        for (Slot slot : slots) {
            if (!slot.thread.isAlive() && now >= slot.restartAt) {
                restarts.incrementAndGet();
                LOG.warnf("Starting worker thread %d again (death %d in a row)", slot.index, slot.deathsInARow);
                slot.startThread();
            }
        }
    }

    /** A scheduled task that must keep running: a throwable would cancel its schedule for good. */
    private static void neverDying(String what, Runnable task) {
        try {
            task.run();
        } catch (Throwable t) {
            LOG.error(what + " failed", t);
        }
    }

    /**
     * The state of the worker threads, for the liveness check: {@code selfChecks} maps computed twice,
     * {@code disagreements} checked batches that came out different the second time (settled by a
     * third computation or not), {@code unreliable} why the self-check failed (null while it has not).
     */
    public record Health(boolean up, int threads, int alive, long restarts, String lastDeath, long selfChecks,
                         long disagreements, String unreliable) {
    }

    /** UP when no worker runs here or every configured worker thread is alive. */
    public Health health() {
        int alive = (int) slots.stream().filter(s -> s.thread.isAlive()).count();
        return new Health(!running || alive == slots.size(), running ? slots.size() : 0, alive, restarts.get(), lastDeath,
                selfChecks.get(), disagreements.get(), unreliable);
    }

    /**
     * A package-private seam for tests: the share of batches computed twice, a model put between the
     * worker and its engine, and the self-check's earlier counts and failure forgotten.
     */
    void selfCheck(double rate, UnaryOperator<ExplainableModel> model) {
        new SelfCheck(rate, new SplittableRandom(), model);
        selfCheckRate = rate;
        engine = model;
        unreliable = null;
        synchronized (this) {
            recentChecks.clear();
            watch = 0;
            selfChecks.set(0);
            disagreements.set(0);
        }
    }

    /** Why this worker stopped claiming after its self-check failed; empty while it has not. */
    public Optional<String> unreliable() {
        return Optional.ofNullable(unreliable);
    }

    /** Every batch is checked while the worker is on watch after a disagreement, else the configured share. */
    private synchronized SelfCheck selfCheck() {
        double rate = watch > 0 && selfCheckRate > 0 ? 1 : selfCheckRate;
        return new SelfCheck(rate, ThreadLocalRandom.current(), engine);
    }

    /**
     * Counts the maps computed twice and the disagreements; marks this worker unreliable (once) when
     * a map could not be settled or disagreements recur.
     */
    private void checked(MapBatches.MapBatch maps) {
        if (maps.checked() == 0) {
            return;
        }
        selfChecks.addAndGet(maps.checked());
        String why = maps.mismatch();
        synchronized (this) {
            boolean disagreed = maps.disagreements() > 0;
            for (int i = 0; i < maps.checkedBatches(); i++) {
                recentChecks.addLast(i < maps.disagreements());
            }
            while (recentChecks.size() > SelfCheck.WATCH_BATCHES) {
                recentChecks.removeFirst();
            }
            long recent = recentChecks.stream().filter(d -> d).count();
            if (disagreed) {
                disagreements.addAndGet(maps.disagreements());
                watch = SelfCheck.WATCH_BATCHES;
                LOG.warnf("Worker %s: its engine disagreed with itself (%d of its last %d checked batches): %s. The "
                        + "next %d batches are all checked", id, recent, recentChecks.size(), maps.disagreement(),
                        SelfCheck.WATCH_BATCHES);
            } else {
                watch = Math.max(0, watch - maps.checkedBatches());
            }
            if (why == null && recent >= SelfCheck.RECURRING) {
                why = String.format(Locale.US, "its engine disagreed with itself in %d of its last %d checked batches, "
                        + "the last time %s", recent, recentChecks.size(), maps.disagreement());
            }
            if (why == null || unreliable != null) {
                return;
            }
            unreliable = why;
        }
        LOG.errorf("Worker %s is unreliable and claims nothing more: %s. First try DNNL_MAX_CPU_ISA=AVX2 (see the "
                + "README's troubleshooting)", id, why);
        try {
            queue.markUnreliable(id, why);
        } catch (RuntimeException e) {
            LOG.warn("Marking the worker unreliable in the database failed: " + e.getMessage());
        }
    }

    /** Runs {@code hook} on a worker thread after each claim: a package-private seam through which tests make a thread die. */
    void afterClaim(Consumer<List<JobQueue.Claim>> hook) {
        afterClaim = hook;
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
            queue.heartbeat(id, new ArrayList<>(inProgress.keySet()), config.lease());
            queue.reportWorker(id, hostName(), "", 0, batches.get(), items.get());
            queue.reportSelfChecks(id, selfChecks.get(), disagreements.get());
        } catch (RuntimeException e) {
            LOG.warn("Heartbeat failed (database unreachable?): " + e.getMessage());
        }
    }

    /**
     * Claims and computes; the store stage of a batch (encode, write maps, mark items) runs on a
     * second thread while the next batch is claimed and computed, at most one batch behind.
     */
    private void loop(Slot slot) {
        ExecutorService storer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, Thread.currentThread().getName() + "-store");
            t.setDaemon(true);
            return t;
        });
        Future<?> pending = null;
        try {
            while (running) {
                try {
                    if (unreliable != null) {
                        // a worker whose engine answered wrongly claims nothing more; what it computed is stored
                        awaitStored(pending);
                        pending = null;
                        Thread.sleep(config.idlePoll().toMillis());
                        continue;
                    }
                    List<JobQueue.Claim> claims = queue.claim(id, batchSize(), config.lease(), config.maxAttempts());
                    claims.forEach(c -> inProgress.put(c.itemId(), slot.index));
                    afterClaim.accept(claims);
                    if (claims.isEmpty()) {
                        awaitStored(pending);
                        pending = null;
                        Thread.sleep(config.idlePoll().toMillis());
                        slot.deathsInARow = 0;
                        continue;
                    }
                    Map<Long, List<JobQueue.Claim>> byJob = new LinkedHashMap<>();
                    claims.forEach(c -> byJob.computeIfAbsent(c.jobId(), j -> new ArrayList<>()).add(c));
                    for (var e : byJob.entrySet()) {
                        List<JobQueue.Claim> group = e.getValue();
                        if (group.get(0).kind() == JobKind.TRAIN) {
                            awaitStored(pending);
                            pending = null;
                            group.forEach(this::train);
                            finish(e.getKey(), group);
                            continue;
                        }
                        if (group.get(0).kind() == JobKind.SANITY) {
                            awaitStored(pending);
                            pending = null;
                            group.forEach(this::checkSanity);
                            finish(e.getKey(), group);
                            continue;
                        }
                        Computed done = compute(e.getKey(), group, group.get(0).kind() == JobKind.PREDICT);
                        awaitStored(pending);
                        pending = done == null ? null : storer.submit(() -> store(done));
                    }
                    batches.incrementAndGet();
                    slot.deathsInARow = 0;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (RuntimeException e) {
                    // the database went away, say: leases expire and the items return; try again shortly
                    LOG.warn("Worker loop error: " + e.getMessage());
                    pending = null;
                    inProgress.values().removeIf(owner -> owner == slot.index);
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
            // a batch still being stored finishes before the thread is mourned: its items must not be failed
            // (and computed again) while its maps are being written
            storer.shutdown();
            try {
                if (!storer.awaitTermination(config.lease().toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.warn("A batch was still being stored when its worker thread ended");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void awaitStored(Future<?> pending) throws InterruptedException {
        if (pending == null) {
            return;
        }
        try {
            pending.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("Storing a batch failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** A computed batch of one job waiting for its store stage. */
    private record Computed(long jobId, List<JobQueue.Claim> claims, MapBatches.MapBatch maps,
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
            MapBatches.MapBatch maps = saliency.computeMaps(samples, spec.modelId(), calls(spec), spec.target(),
                    selfCheck());
            checked(maps);
            return new Computed(jobId, claims, maps, maps.failed());
        } catch (RuntimeException e) {
            LOG.warnf("Batch of job %d failed (%s); trying its %d items one by one", jobId, e.getMessage(), claims.size());
            claims.forEach(c -> process(c, predictOnly));
            finish(jobId, claims);
            return null;
        }
    }

    private static List<MapBatches.MethodCall> calls(JobService.SaliencySpec spec) {
        return spec.methods().stream().map(m -> new MapBatches.MethodCall(m.name(), m.params())).toList();
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
                    : storedNow(saliency.computeMaps(List.of(c.sampleId()), spec.modelId(), calls(spec), spec.target(),
                    selfCheck()));
            String error = failed.get(c.sampleId());
            if (error != null) {
                queue.fail(id, c.itemId(), error, config.maxAttempts());
                return;
            }
            queue.succeed(id, c.itemId());
            items.incrementAndGet();
        } catch (DomainError e) {
            queue.fail(id, c.itemId(), e.describe(), config.maxAttempts());
        } catch (RuntimeException e) {
            queue.fail(id, c.itemId(), internalError(c.jobId()), config.maxAttempts());
        }
    }

    private Map<Long, String> storedNow(MapBatches.MapBatch maps) {
        checked(maps);
        saliency.store(maps);
        return maps.failed();
    }

    /**
     * Runs a training item. A request the data cannot satisfy (a {@link DomainError} other than
     * {@link DomainError.Kind#UNAVAILABLE}) fails at once; anything else (a passing engine failure,
     * out of memory, the database gone) gets the usual retries.
     */
    private void train(JobQueue.Claim c) {
        try {
            training.run(c.jobId());
            queue.succeed(id, c.itemId());
            items.incrementAndGet();
        } catch (DomainError e) {
            LOG.warnf("Training job %d failed: %s", c.jobId(), e.getMessage());
            queue.fail(id, c.itemId(), e.describe(), e.kind() == DomainError.Kind.UNAVAILABLE ? config.maxAttempts() : 1);
        } catch (RuntimeException | OutOfMemoryError e) {
            LOG.error("Training job " + c.jobId() + " failed", e);
            queue.fail(id, c.itemId(), internalError(c.jobId()), config.maxAttempts());
        }
    }

    /**
     * Runs the sanity check of one method (an item of a sanity job) and stores it; marks the item
     * done at once, so the job's progress counts methods. A check the model cannot take (a
     * {@link DomainError} other than {@link DomainError.Kind#UNAVAILABLE}) fails without retries.
     */
    private void checkSanity(JobQueue.Claim c) {
        try {
            JobService.SanityItem item = jobs.sanityItem(c.jobId(), c.itemId());
            Map<String, String> params = item.method().params() == null ? Map.of() : item.method().params();
            sanity.check(item.modelId(), item.method().name(), params);
            queue.succeed(id, c.itemId());
            items.incrementAndGet();
        } catch (DomainError e) {
            queue.fail(id, c.itemId(), e.describe(), e.kind() == DomainError.Kind.UNAVAILABLE ? config.maxAttempts() : 1);
        } catch (RuntimeException | OutOfMemoryError e) {
            LOG.error("Sanity job " + c.jobId() + " failed", e);
            queue.fail(id, c.itemId(), internalError(c.jobId()), config.maxAttempts());
        } finally {
            inProgress.remove(c.itemId());
        }
    }

    /** What a job item's failure says when the cause is not a domain error: no class names or SQL, the log has them. */
    static String internalError(long jobId) {
        return "Internal error: the server's log has the details (job " + jobId + ")";
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown-host";
        }
    }
}
