package org.rationale.worker;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.rationale.audit.AuditLog;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Jobs and their items in PostgreSQL. Workers claim batches with {@code FOR UPDATE SKIP LOCKED}
 * (no two claim the same item), hold them under a lease that heartbeats renew, and an expired
 * lease puts the items back; failed items retry until {@code maxAttempts}, then fail alone with
 * their error kept. Results are written idempotently elsewhere (one stored map per key), so a
 * retried item never duplicates. The SQL is the {@link JobStore}'s; the queue adds the audit trail.
 */
@ApplicationScoped
public class JobQueue {

    private final JobStore store;
    private final AuditLog audit;

    JobQueue(JobStore store, AuditLog audit) {
        this.store = store;
        this.audit = audit;
    }

    /** One claimed item of a job of some kind (saliency, predict, train). */
    public record Claim(long itemId, long jobId, JobKind kind, long sampleId, int attempt) {
    }

    /**
     * Claims up to {@code max} items of queued or running jobs, highest priority first; items whose
     * lease expired count as claimable (their worker is gone), unless they used up their attempts.
     * A training item is claimed alone: it holds its worker for minutes; so is a sanity item (one
     * method's check, seconds to minutes), so that other workers take the job's other methods.
     */
    @Transactional
    public List<Claim> claim(String workerId, int max, Duration lease, int maxAttempts) {
        store.failExpired(maxAttempts);
        // jobs first (few), then items of one job at a time along the (job_id, id) index: no sort of the whole queue
        List<Claim> out = new ArrayList<>();
        for (JobStore.ActiveJob job : store.active()) {
            if (out.size() >= max) {
                break;
            }
            boolean alone = job.kind() == JobKind.TRAIN || job.kind() == JobKind.SANITY;
            if (alone && !out.isEmpty()) {
                continue;
            }
            out.addAll(store.lease(job, workerId, alone ? 1 : max - out.size(), lease));
            if (alone && !out.isEmpty()) {
                break;
            }
        }
        if (!out.isEmpty()) {
            for (JobStore.Changed j : store.start(out.stream().map(Claim::jobId).distinct().toList())) {
                audit.record("worker:" + workerId, "job.start", "job:" + j.id(), j.projectId(),
                        AuditLog.details("kind", j.kind().value(), "worker", workerId));
            }
        }
        return out;
    }

    /** Renews the leases this worker still holds. */
    @Transactional
    public int heartbeat(String workerId, Collection<Long> itemIds, Duration lease) {
        if (itemIds.isEmpty()) {
            return 0;
        }
        return store.heartbeat(workerId, itemIds, lease);
    }

    /** Marks an item done, if this worker still holds it. */
    @Transactional
    public void succeed(String workerId, long itemId) {
        store.succeed(workerId, itemId);
    }

    /** Marks many items done in one statement, those this worker still holds. */
    @Transactional
    public void succeedAll(String workerId, Collection<Long> itemIds) {
        if (itemIds.isEmpty()) {
            return;
        }
        store.succeedAll(workerId, itemIds);
    }

    /** Puts an item back for another attempt, or fails it for good after the last attempt. */
    @Transactional
    public void fail(String workerId, long itemId, String error, int maxAttempts) {
        store.fail(workerId, itemId, error == null ? "unknown error" : error.length() > 2000 ? error.substring(0, 2000)
                : error, maxAttempts);
    }

    /** Closes the jobs that have nothing left to do: succeeded, or failed when every item failed. */
    @Transactional
    public void finishDoneJobs(Collection<Long> jobIds) {
        if (jobIds.isEmpty()) {
            return;
        }
        for (JobStore.Changed j : store.finishDone(jobIds)) {
            audit.record("job.end", "job:" + j.id(), j.projectId(), AuditLog.details(
                    "kind", j.kind().value(), "state", j.state().value(), "succeededItems", j.succeededItems(),
                    "failedItems", j.failedItems()));
        }
    }

    /**
     * Cancels a job: nothing more is claimed, queued items are cancelled, items being computed
     * finish and keep their results. False when the job had already ended.
     */
    @Transactional
    public boolean cancel(long jobId) {
        boolean cancelled = store.cancel(jobId);
        store.cancelQueuedItems(jobId);
        if (cancelled) {
            audit.record("job.cancel", "job:" + jobId, store.projectOf(jobId).orElseThrow(), AuditLog.details());
        }
        return cancelled;
    }

    /**
     * Records how many maps a worker has computed twice to check its engine, and how many checked
     * batches came out different.
     */
    @Transactional
    public void reportSelfChecks(String workerId, long selfChecks, long disagreements) {
        store.reportSelfChecks(workerId, selfChecks, disagreements);
    }

    /**
     * Marks a worker unreliable: its self-check found a map that came out different when computed
     * again. Shown on the workers view; recorded in the audit trail.
     */
    @Transactional
    public void markUnreliable(String workerId, String why) {
        store.markUnreliable(workerId, why);
        audit.record("worker:" + workerId, "worker.unreliable", "worker:" + workerId, null,
                AuditLog.details("worker", workerId, "reason", why));
    }

    /** Registers or refreshes a worker in the workers view. */
    @Transactional
    public void reportWorker(String id, String host, String device, int threads, long batches, long items) {
        store.reportWorker(id, host, device, threads, batches, items);
    }
}
