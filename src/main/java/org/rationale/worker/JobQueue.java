package org.rationale.worker;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.rationale.database.PgArray;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Jobs and their items in PostgreSQL. Workers claim batches with {@code FOR UPDATE SKIP LOCKED}
 * (no two claim the same item), hold them under a lease that heartbeats renew, and an expired
 * lease puts the items back; failed items retry until {@code maxAttempts}, then fail alone with
 * their error kept. Results are written idempotently elsewhere (one stored map per key), so a
 * retried item never duplicates.
 */
@ApplicationScoped
public class JobQueue {

    @jakarta.inject.Inject
    org.rationale.audit.AuditLog audit;
    private final EntityManager em;

    JobQueue(EntityManager em) {
        this.em = em;
    }

    /** One claimed item of a job of some kind (saliency, predict, train). */
    public record Claim(long itemId, long jobId, String kind, long sampleId, int attempt) {
    }

    /**
     * Claims up to {@code max} items of queued or running jobs, highest priority first; items whose
     * lease expired count as claimable (their worker is gone), unless they used up their attempts.
     * A training item is claimed alone: it holds its worker for minutes.
     */
    @Transactional
    @SuppressWarnings("unchecked")
    public List<Claim> claim(String workerId, int max, Duration lease, int maxAttempts) {
        em.createNativeQuery("update job_items set state = 'failed', finished_at = now(), updated_at = now(), "
                        + "last_error = coalesce(last_error || '; ', '') || 'lease expired ' || attempts || ' times: the worker "
                        + "stopped while it held this item' "
                        + "where state = 'leased' and lease_until < now() and attempts >= ?1")
                .setParameter(1, maxAttempts).executeUpdate();
        // jobs first (few), then items of one job at a time along the (job_id, id) index: no sort of the whole queue
        List<Object[]> active = em.createNativeQuery("select id, kind from jobs where state in ('queued', 'running') "
                + "and not cancel_requested order by priority desc, id").getResultList();
        List<Object[]> rows = new ArrayList<>();
        java.util.Map<Long, String> kinds = new java.util.HashMap<>();
        for (Object[] a : active) {
            if (rows.size() >= max) {
                break;
            }
            Number job = (Number) a[0];
            String kind = (String) a[1];
            kinds.put(job.longValue(), kind);
            boolean alone = kind.equals("train");
            if (alone && !rows.isEmpty()) {
                continue;
            }
            rows.addAll(em.createNativeQuery("with c as (select i.id from job_items i where i.job_id = ?4 "
                            + "and (i.state = 'queued' or (i.state = 'leased' and i.lease_until < now())) "
                            + "order by i.id limit ?1 for update skip locked) "
                            + "update job_items set state = 'leased', leased_by = ?2, attempts = attempts + 1, "
                            + "lease_until = now() + make_interval(secs => ?3), updated_at = now() "
                            + "from c where job_items.id = c.id "
                            + "returning job_items.id, job_items.job_id, job_items.sample_id, job_items.attempts")
                    .setParameter(1, alone ? 1 : max - rows.size()).setParameter(2, workerId)
                    .setParameter(3, (double) lease.toMillis() / 1000).setParameter(4, job.longValue())
                    .getResultList());
            if (alone && !rows.isEmpty()) {
                break;
            }
        }
        List<Claim> out = new ArrayList<>();
        for (Object[] r : rows) {
            long job = ((Number) r[1]).longValue();
            out.add(new Claim(((Number) r[0]).longValue(), job, kinds.get(job),
                    r[2] == null ? -1 : ((Number) r[2]).longValue(), ((Number) r[3]).intValue()));
        }
        if (!out.isEmpty()) {
            List<Object[]> started = em.createNativeQuery("update jobs set state = 'running', started_at = coalesce(started_at, now()) "
                            + "where state = 'queued' and id = any(cast(?1 as bigint[])) returning id, project_id, kind")
                    .setParameter(1, PgArray.ofLongs(out.stream().map(Claim::jobId).distinct().toList())).getResultList();
            for (Object[] j : started) {
                audit.record("worker:" + workerId, "job.start", "job:" + j[0], ((Number) j[1]).longValue(),
                        org.rationale.audit.AuditLog.details("kind", j[2], "worker", workerId));
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
        return em.createNativeQuery("update job_items set lease_until = now() + make_interval(secs => ?1), updated_at = now() "
                        + "where leased_by = ?2 and state = 'leased' and id = any(cast(?3 as bigint[]))")
                .setParameter(1, (double) lease.toMillis() / 1000).setParameter(2, workerId)
                .setParameter(3, PgArray.ofLongs(itemIds)).executeUpdate();
    }

    /** Marks an item done, if this worker still holds it. */
    @Transactional
    public void succeed(String workerId, long itemId) {
        em.createNativeQuery("update job_items set state = 'succeeded', finished_at = now(), updated_at = now(), "
                        + "last_error = null where id = ?1 and leased_by = ?2 and state = 'leased'")
                .setParameter(1, itemId).setParameter(2, workerId).executeUpdate();
    }

    /** Marks many items done in one statement, those this worker still holds. */
    @Transactional
    public void succeedAll(String workerId, Collection<Long> itemIds) {
        if (itemIds.isEmpty()) {
            return;
        }
        em.createNativeQuery("update job_items set state = 'succeeded', finished_at = now(), updated_at = now(), "
                        + "last_error = null where id = any(cast(?1 as bigint[])) and leased_by = ?2 and state = 'leased'")
                .setParameter(1, PgArray.ofLongs(itemIds)).setParameter(2, workerId).executeUpdate();
    }

    /** Puts an item back for another attempt, or fails it for good after the last attempt. */
    @Transactional
    public void fail(String workerId, long itemId, String error, int maxAttempts) {
        em.createNativeQuery("update job_items set state = case when attempts >= ?3 then 'failed' else 'queued' end, "
                        + "finished_at = case when attempts >= ?3 then now() end, lease_until = null, updated_at = now(), "
                        + "last_error = ?4 where id = ?1 and leased_by = ?2 and state = 'leased'")
                .setParameter(1, itemId).setParameter(2, workerId).setParameter(3, maxAttempts)
                .setParameter(4, error == null ? "unknown error" : error.length() > 2000 ? error.substring(0, 2000) : error)
                .executeUpdate();
    }

    /** Closes the jobs that have nothing left to do: succeeded, or failed when every item failed. */
    @Transactional
    @SuppressWarnings("unchecked")
    public void finishDoneJobs(Collection<Long> jobIds) {
        if (jobIds.isEmpty()) {
            return;
        }
        List<Object[]> ended = em.createNativeQuery("update jobs j set state = case when not exists (select 1 from job_items i where "
                        + "i.job_id = j.id and i.state = 'succeeded') and exists (select 1 from job_items i where "
                        + "i.job_id = j.id) then 'failed' else 'succeeded' end, progress = 1, finished_at = now() "
                        + "where j.id = any(cast(?1 as bigint[])) and j.state in ('queued', 'running') and not exists "
                        + "(select 1 from job_items i where i.job_id = j.id and i.state in ('queued', 'leased')) "
                        + "returning j.id, j.project_id, j.kind, j.state, (select count(*) from job_items i where i.job_id = j.id "
                        + "and i.state = 'succeeded'), (select count(*) from job_items i where i.job_id = j.id and i.state = 'failed')")
                .setParameter(1, PgArray.ofLongs(jobIds)).getResultList();
        for (Object[] j : ended) {
            audit.record("job.end", "job:" + j[0], ((Number) j[1]).longValue(), org.rationale.audit.AuditLog.details(
                    "kind", j[2], "state", j[3], "succeededItems", ((Number) j[4]).longValue(),
                    "failedItems", ((Number) j[5]).longValue()));
        }
    }

    /**
     * Cancels a job: nothing more is claimed, queued items are cancelled, items being computed
     * finish and keep their results. False when the job had already ended.
     */
    @Transactional
    public boolean cancel(long jobId) {
        int n = em.createNativeQuery("update jobs set cancel_requested = true, state = 'cancelled', finished_at = now() "
                + "where id = ?1 and state in ('queued', 'running')").setParameter(1, jobId).executeUpdate();
        em.createNativeQuery("update job_items set state = 'cancelled', updated_at = now(), finished_at = now() "
                + "where job_id = ?1 and state = 'queued'").setParameter(1, jobId).executeUpdate();
        if (n > 0) {
            Number project = (Number) em.createNativeQuery("select project_id from jobs where id = ?1").setParameter(1, jobId)
                    .getSingleResult();
            audit.record("job.cancel", "job:" + jobId, project.longValue(), org.rationale.audit.AuditLog.details());
        }
        return n > 0;
    }

    /** Registers or refreshes a worker in the workers view. */
    @Transactional
    public void reportWorker(String id, String host, String device, int threads, long batches, long items) {
        em.createNativeQuery("insert into workers (id, host, device, threads, batches_done, items_done) "
                        + "values (?1, ?2, ?3, ?4, ?5, ?6) on conflict (id) do update set heartbeat_at = now(), "
                        + "batches_done = excluded.batches_done, items_done = excluded.items_done, "
                        + "device = case when excluded.device = '' then workers.device else excluded.device end, "
                        + "threads = case when excluded.threads = 0 then workers.threads else excluded.threads end")
                .setParameter(1, id).setParameter(2, host).setParameter(3, device).setParameter(4, threads)
                .setParameter(5, batches).setParameter(6, items).executeUpdate();
    }
}
