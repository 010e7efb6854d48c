package org.rationale.worker;

import org.rationale.security.ProjectScoped;
import java.util.EnumSet;
import java.util.Set;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Tuple;
import jakarta.transaction.Transactional;
import org.rationale.database.Owns;
import org.rationale.database.PgArray;
import org.rationale.database.PgTime;
import org.rationale.dataset.Split;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * All the SQL of jobs, their items and the workers that claim them. Items are claimed with
 * {@code FOR UPDATE SKIP LOCKED} under a lease, ids travel as one {@code bigint[]} parameter, and
 * many items are marked in one statement. Callers hold the transaction; rows come back as records.
 */
@ApplicationScoped
@Owns({"jobs", "job_items", "workers"})
public class JobStore implements ProjectScoped {

    private final EntityManager em;

    JobStore(EntityManager em) {
        this.em = em;
    }

    /** A job that may still have items to claim. */
    record ActiveJob(long id, JobKind kind) {
    }

    /** A job that changed state, for the audit trail. */
    record Changed(long id, long projectId, JobKind kind, JobState state, long succeededItems, long failedItems) {
    }

    /** A job as stored; {@code seconds} ran since it started (null before). */
    record Row(long id, long projectId, JobKind kind, JobState state, double progress, int priority, String parameters,
               String result, String error, Double seconds, OffsetDateTime createdAt, String startedBy) {
    }

    // ---- jobs and items written

    /** Stores a queued job started by a user (null: the system); returns its id. */
    @Transactional
    long insertJob(long projectId, JobKind kind, String parameters, int priority, String startedBy) {
        return number(em.createNativeQuery("insert into jobs (project_id, kind, state, parameters, priority, started_by) "
                        + "values (?1, ?4, 'queued', ?2, ?3, ?5) returning id")
                .setParameter(1, projectId).setParameter(2, parameters).setParameter(3, priority)
                .setParameter(4, kind.value()).setParameter(5, startedBy).getSingleResult()).longValue();
    }

    /** One item per listed sample of the project, in id order; returns how many (unknown ids are left out). */
    @Transactional
    int insertItems(long jobId, long projectId, List<Long> sampleIds) {
        return em.createNativeQuery("insert into job_items (job_id, sample_id) select ?1, id from samples "
                        + "where project_id = ?2 and id = any(cast(?3 as bigint[])) order by id")
                .setParameter(1, jobId).setParameter(2, projectId).setParameter(3, PgArray.ofLongs(sampleIds))
                .executeUpdate();
    }

    /** One item per sample of the project, or of one split of it; returns how many. */
    @Transactional
    int insertItems(long jobId, long projectId, Optional<Split> split) {
        if (split.isEmpty()) {
            return em.createNativeQuery("insert into job_items (job_id, sample_id) select ?1, id from samples "
                    + "where project_id = ?2 order by id").setParameter(1, jobId).setParameter(2, projectId).executeUpdate();
        }
        return em.createNativeQuery("insert into job_items (job_id, sample_id) select ?1, id from samples "
                        + "where project_id = ?2 and split = ?3 order by id")
                .setParameter(1, jobId).setParameter(2, projectId).setParameter(3, split.get().value()).executeUpdate();
    }

    /** The one item of a job that works on no sample (a training). */
    @Transactional
    void insertItem(long jobId) {
        em.createNativeQuery("insert into job_items (job_id) values (?1)").setParameter(1, jobId).executeUpdate();
    }

    /** Progress and, when given, the result of a job; its state is the queue's. */
    @Transactional
    void progress(long jobId, double progress, String result) {
        em.createNativeQuery("update jobs set progress = ?2, result = coalesce(?3, result) where id = ?1")
                .setParameter(1, jobId).setParameter(2, (float) progress).setParameter(3, result).executeUpdate();
    }

    // ---- claims

    /** Fails for good the items whose lease expired after their last attempt. */
    @Transactional
    int failExpired(int maxAttempts) {
        return em.createNativeQuery("update job_items set state = 'failed', finished_at = now(), updated_at = now(), "
                        + "last_error = coalesce(last_error || '; ', '') || 'lease expired ' || attempts || ' times: the worker "
                        + "stopped while it held this item' "
                        + "where state = 'leased' and lease_until < now() and attempts >= ?1")
                .setParameter(1, maxAttempts).executeUpdate();
    }

    /** Queued or running jobs not being cancelled, highest priority first (few rows: no sort of the items). */
    @Transactional
    List<ActiveJob> active() {
        return tuples(em.createNativeQuery("select id, kind from jobs where state in ('queued', 'running') "
                + "and not cancel_requested order by priority desc, id", Tuple.class).getResultList()).stream()
                .map(t -> new ActiveJob(number(t, "id").longValue(), JobKind.stored(t.get("kind", String.class)))).toList();
    }

    /**
     * Leases up to {@code limit} claimable items of one job to a worker, along the (job_id, id) index,
     * skipping items other workers are claiming at this moment: queued ones and those whose lease expired.
     */
    @Transactional
    List<JobQueue.Claim> lease(ActiveJob job, String workerId, int limit, Duration lease) {
        return tuples(em.createNativeQuery("with c as (select i.id from job_items i where i.job_id = ?4 "
                        + "and (i.state = 'queued' or (i.state = 'leased' and i.lease_until < now())) "
                        + "order by i.id limit ?1 for update skip locked) "
                        + "update job_items set state = 'leased', leased_by = ?2, attempts = attempts + 1, "
                        + "lease_until = now() + make_interval(secs => ?3), updated_at = now() "
                        + "from c where job_items.id = c.id "
                        + "returning job_items.id as item_id, job_items.sample_id, job_items.attempts", Tuple.class)
                .setParameter(1, limit).setParameter(2, workerId)
                .setParameter(3, seconds(lease)).setParameter(4, job.id())
                .getResultList()).stream().map(t -> new JobQueue.Claim(number(t, "item_id").longValue(), job.id(), job.kind(),
                        t.get("sample_id") == null ? -1 : number(t, "sample_id").longValue(), number(t, "attempts").intValue()))
                .toList();
    }

    /** Marks the queued ones of these jobs running; returns those that started now. */
    @Transactional
    List<Changed> start(Collection<Long> jobIds) {
        return tuples(em.createNativeQuery("update jobs set state = 'running', started_at = coalesce(started_at, now()) "
                        + "where state = 'queued' and id = any(cast(?1 as bigint[])) returning id, project_id, kind, state",
                        Tuple.class)
                .setParameter(1, PgArray.ofLongs(jobIds)).getResultList()).stream()
                .map(t -> changed(t, 0, 0)).toList();
    }

    /** Renews the leases this worker still holds; returns how many. */
    @Transactional
    int heartbeat(String workerId, Collection<Long> itemIds, Duration lease) {
        return em.createNativeQuery("update job_items set lease_until = now() + make_interval(secs => ?1), updated_at = now() "
                        + "where leased_by = ?2 and state = 'leased' and id = any(cast(?3 as bigint[]))")
                .setParameter(1, seconds(lease)).setParameter(2, workerId)
                .setParameter(3, PgArray.ofLongs(itemIds)).executeUpdate();
    }

    /** Marks an item done, if this worker still holds it. */
    @Transactional
    void succeed(String workerId, long itemId) {
        em.createNativeQuery("update job_items set state = 'succeeded', finished_at = now(), updated_at = now(), "
                        + "last_error = null where id = ?1 and leased_by = ?2 and state = 'leased'")
                .setParameter(1, itemId).setParameter(2, workerId).executeUpdate();
    }

    /** Marks many items done in one statement, those this worker still holds. */
    @Transactional
    void succeedAll(String workerId, Collection<Long> itemIds) {
        em.createNativeQuery("update job_items set state = 'succeeded', finished_at = now(), updated_at = now(), "
                        + "last_error = null where id = any(cast(?1 as bigint[])) and leased_by = ?2 and state = 'leased'")
                .setParameter(1, PgArray.ofLongs(itemIds)).setParameter(2, workerId).executeUpdate();
    }

    /** Puts an item back for another attempt, or fails it for good after the last attempt. */
    @Transactional
    void fail(String workerId, long itemId, String error, int maxAttempts) {
        em.createNativeQuery("update job_items set state = case when attempts >= ?3 then 'failed' else 'queued' end, "
                        + "finished_at = case when attempts >= ?3 then now() end, lease_until = null, updated_at = now(), "
                        + "last_error = ?4 where id = ?1 and leased_by = ?2 and state = 'leased'")
                .setParameter(1, itemId).setParameter(2, workerId).setParameter(3, maxAttempts)
                .setParameter(4, error).executeUpdate();
    }

    /** Closes the jobs with nothing left to do: succeeded, or failed when every item failed; returns them. */
    @Transactional
    List<Changed> finishDone(Collection<Long> jobIds) {
        return tuples(em.createNativeQuery("update jobs j set state = case when not exists (select 1 from job_items i where "
                        + "i.job_id = j.id and i.state = 'succeeded') and exists (select 1 from job_items i where "
                        + "i.job_id = j.id) then 'failed' else 'succeeded' end, progress = 1, finished_at = now() "
                        + "where j.id = any(cast(?1 as bigint[])) and j.state in ('queued', 'running') and not exists "
                        + "(select 1 from job_items i where i.job_id = j.id and i.state in ('queued', 'leased')) "
                        + "returning j.id, j.project_id, j.kind, j.state, (select count(*) from job_items i where i.job_id = j.id "
                        + "and i.state = 'succeeded') as succeeded_items, (select count(*) from job_items i where i.job_id = j.id "
                        + "and i.state = 'failed') as failed_items", Tuple.class)
                .setParameter(1, PgArray.ofLongs(jobIds)).getResultList()).stream()
                .map(t -> changed(t, number(t, "succeeded_items").longValue(), number(t, "failed_items").longValue()))
                .toList();
    }

    /** Marks a queued or running job cancelled; false when it had already ended. */
    @Transactional
    boolean cancel(long jobId) {
        return em.createNativeQuery("update jobs set cancel_requested = true, state = 'cancelled', finished_at = now() "
                + "where id = ?1 and state in ('queued', 'running')").setParameter(1, jobId).executeUpdate() > 0;
    }

    /** Cancels the items of a job that no worker holds. */
    @Transactional
    void cancelQueuedItems(long jobId) {
        em.createNativeQuery("update job_items set state = 'cancelled', updated_at = now(), finished_at = now() "
                + "where job_id = ?1 and state = 'queued'").setParameter(1, jobId).executeUpdate();
    }

    // ---- jobs read

    /** The project of a job, if it exists. */
    @Transactional
    public Optional<Long> projectOf(long jobId) {
        List<?> rows = em.createNativeQuery("select project_id from jobs where id = ?1").setParameter(1, jobId)
                .getResultList();
        return rows.stream().findFirst().map(r -> ((Number) r).longValue());
    }

    /** The stored parameters (JSON) of a job. */
    @Transactional
    String parameters(long jobId) {
        return (String) em.createNativeQuery("select parameters from jobs where id = ?1").setParameter(1, jobId)
                .getSingleResult();
    }

    /** A job of one kind, if it exists. */
    @Transactional
    Optional<Row> job(long jobId, JobKind kind) {
        return job(jobId).filter(r -> r.kind() == kind);
    }

    /** A job, if it exists. */
    @Transactional
    Optional<Row> job(long jobId) {
        return tuples(em.createNativeQuery("select id, project_id, kind, state, progress, parameters, result, error, "
                        + "priority, extract(epoch from (coalesce(finished_at, now()) - started_at)) as seconds, created_at, "
                        + "started_by from jobs "
                        + "where id = ?1", Tuple.class).setParameter(1, jobId).getResultList()).stream()
                .findFirst().map(t -> new Row(number(t, "id").longValue(), number(t, "project_id").longValue(),
                        JobKind.stored(t.get("kind", String.class)), JobState.stored(t.get("state", String.class)),
                        number(t, "progress").doubleValue(), number(t, "priority").intValue(),
                        t.get("parameters", String.class), t.get("result", String.class), t.get("error", String.class),
                        t.get("seconds") == null ? null : number(t, "seconds").doubleValue(),
                        PgTime.of(t.get("created_at")), t.get("started_by", String.class)));
    }

    /** How many items of a job are in each state (states without items are left out). */
    @Transactional
    Map<ItemState, Long> itemCounts(long jobId) {
        Map<ItemState, Long> counts = new EnumMap<>(ItemState.class);
        for (Tuple t : tuples(em.createNativeQuery("select state, count(*) as n from job_items where job_id = ?1 "
                + "group by state", Tuple.class).setParameter(1, jobId).getResultList())) {
            counts.put(ItemState.stored(t.get("state", String.class)),
                    number(t, "n").longValue());
        }
        return counts;
    }

    /** The first failed items of a job and why. */
    @Transactional
    List<JobService.ItemError> failedItems(long jobId, int limit) {
        return tuples(em.createNativeQuery("select id, sample_id, attempts, last_error from job_items "
                        + "where job_id = ?1 and state = 'failed' order by id limit ?2", Tuple.class)
                .setParameter(1, jobId).setParameter(2, limit).getResultList()).stream()
                .map(t -> new JobService.ItemError(number(t, "id").longValue(),
                        t.get("sample_id") == null ? null : number(t, "sample_id").longValue(),
                        number(t, "attempts").intValue(), t.get("last_error", String.class))).toList();
    }

    /** Ids of the most recent jobs, newest first. */
    @Transactional
    List<Long> recentIds(int limit) {
        return em.createNativeQuery("select id from jobs order by id desc limit ?1").setParameter(1, limit)
                .getResultList().stream().map(r -> ((Number) r).longValue()).toList();
    }

    // ---- workers

    /** Registers or refreshes a worker; an empty device or zero threads keeps what it said before. */
    @Transactional
    void reportWorker(String id, String host, String device, int threads, long batches, long items) {
        em.createNativeQuery("insert into workers (id, host, device, threads, batches_done, items_done) "
                        + "values (?1, ?2, ?3, ?4, ?5, ?6) on conflict (id) do update set heartbeat_at = now(), "
                        + "batches_done = excluded.batches_done, items_done = excluded.items_done, "
                        + "device = case when excluded.device = '' then workers.device else excluded.device end, "
                        + "threads = case when excluded.threads = 0 then workers.threads else excluded.threads end")
                .setParameter(1, id).setParameter(2, host).setParameter(3, device).setParameter(4, threads)
                .setParameter(5, batches).setParameter(6, items).executeUpdate();
    }

    /** Workers heard from in the last hour, latest first; alive when heard from in the last minute. */
    @Transactional
    List<JobService.WorkerStatus> workers() {
        return tuples(em.createNativeQuery("select id, host, device, threads, heartbeat_at, batches_done, items_done, "
                        + "heartbeat_at > now() - interval '1 minute' as alive, self_checks, self_check_disagreements, "
                        + "unreliable from workers "
                        + "where heartbeat_at > now() - interval '1 hour' order by heartbeat_at desc", Tuple.class)
                .getResultList()).stream().map(t -> new JobService.WorkerStatus(t.get("id", String.class),
                        t.get("host", String.class), t.get("device", String.class), number(t, "threads").intValue(),
                        heartbeat(t), number(t, "batches_done").longValue(), number(t, "items_done").longValue(),
                        t.get("alive", Boolean.class), number(t, "self_checks").longValue(),
                        number(t, "self_check_disagreements").longValue(), t.get("unreliable", String.class))).toList();
    }

    /** Records how many maps a worker has computed twice so far, and how many checked batches disagreed. */
    @Transactional
    void reportSelfChecks(String id, long selfChecks, long disagreements) {
        em.createNativeQuery("update workers set self_checks = ?2, self_check_disagreements = ?3 where id = ?1")
                .setParameter(1, id).setParameter(2, selfChecks).setParameter(3, disagreements).executeUpdate();
    }

    /** Marks a worker unreliable (its self-check failed), saying why; the first reason is kept. */
    @Transactional
    void markUnreliable(String id, String why) {
        em.createNativeQuery("update workers set unreliable = coalesce(unreliable, ?2), "
                + "unreliable_at = coalesce(unreliable_at, now()) where id = ?1").setParameter(1, id)
                .setParameter(2, why).executeUpdate();
    }

    private static OffsetDateTime heartbeat(Tuple t) {
        return PgTime.of(t.get("heartbeat_at"));
    }

    private static Changed changed(Tuple t, long succeeded, long failed) {
        return new Changed(number(t, "id").longValue(), number(t, "project_id").longValue(),
                JobKind.stored(t.get("kind", String.class)), JobState.stored(t.get("state", String.class)), succeeded, failed);
    }

    @SuppressWarnings("unchecked")
    private static List<Tuple> tuples(List<?> rows) {
        return (List<Tuple>) rows;
    }

    private static Number number(Tuple t, String alias) {
        return t.get(alias, Number.class);
    }

    private static Number number(Object value) {
        return (Number) value;
    }

    private static double seconds(Duration d) {
        return (double) d.toMillis() / 1000;
    }

    @Override
    public Set<Thing> things() {
        return EnumSet.of(Thing.JOB);
    }

    /** The project of a job (for access checks). */
    @Override
    @Transactional
    public Optional<Long> projectOf(Thing thing, long id) {
        return projectOf(id);
    }

    /** {@code n} items of a job that work on no sample (a sanity job's methods), in id order. */
    @Transactional
    void insertSampleFreeItems(long jobId, int n) {
        em.createNativeQuery("insert into job_items (job_id) select ?1 from generate_series(1, ?2)")
                .setParameter(1, jobId).setParameter(2, n).executeUpdate();
    }

    /** The position (from 0) of an item among its job's items in id order; -1 when it is not the job's. */
    @Transactional
    int itemIndex(long jobId, long itemId) {
        return tuples(em.createNativeQuery("select (select count(*) from job_items b where b.job_id = i.job_id "
                        + "and b.id < i.id) as n from job_items i where i.id = ?2 and i.job_id = ?1", Tuple.class)
                .setParameter(1, jobId).setParameter(2, itemId).getResultList()).stream()
                .findFirst().map(t -> number(t, "n").intValue()).orElse(-1);
    }

    /** An item's state and last error. */
    record ItemRow(long id, ItemState state, String error) {
    }

    /** The items of a job in id order (a sanity job has one per method; few rows). */
    @Transactional
    List<ItemRow> itemsInOrder(long jobId) {
        return tuples(em.createNativeQuery("select id, state, last_error from job_items where job_id = ?1 order by id "
                        + "limit 1000", Tuple.class).setParameter(1, jobId).getResultList()).stream()
                .map(t -> new ItemRow(number(t, "id").longValue(), ItemState.stored(t.get("state", String.class)),
                        t.get("last_error", String.class))).toList();
    }
}
