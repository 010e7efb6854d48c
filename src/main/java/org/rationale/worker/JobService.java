package org.rationale.worker;

import org.rationale.error.Invalid;
import org.rationale.error.NotFound;
import org.rationale.error.Conflict;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.rationale.database.PgArray;
import org.rationale.dataset.Split;
import org.rationale.model.ModelService;
import org.rationale.model.ModelVersion;
import org.rationale.saliency.AttributionMethod;
import org.rationale.saliency.AttributionMethods;
import org.rationale.saliency.Targets;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Checks and records saliency and predict jobs, and reports on every job (training ones too) with its items. */
@ApplicationScoped
public class JobService {

    static final ObjectMapper JSON = new ObjectMapper();

    private final EntityManager em;
    private final ModelService models;
    private final AttributionMethods methods;
    private final JobQueue queue;

    @jakarta.inject.Inject
    org.rationale.audit.AuditLog audit;

    JobService(EntityManager em, ModelService models, AttributionMethods methods, JobQueue queue) {
        this.em = em;
        this.models = models;
        this.methods = methods;
        this.queue = queue;
    }

    /** What a worker needs to compute one saliency item. */
    public record SaliencySpec(long modelId, List<SaliencyJobRequest.MethodRequest> methods, String target) {
    }

    /** A job with its item counts, rate and ETA. */
    public record JobView(long id, long projectId, String kind, String state, double progress, int priority,
                          Map<String, Object> parameters, Map<String, Object> result, String error, long itemsTotal,
                          long itemsDone, long itemsFailed, long itemsCancelled, Double itemsPerSecond,
                          Double etaSeconds, List<ItemError> failedItems) {
    }

    /** A failed item and why. */
    public record ItemError(long itemId, Long sampleId, int attempts, String error) {
    }

    /** Validates the request and stores the job with one item per sample, in one transaction. */
    @Transactional
    public long submit(SaliencyJobRequest r) {
        if (r == null) {
            throw new Invalid("Missing body", "Send {type, modelId, methods, samples, target}");
        }
        if ("train".equals(r.type())) {
            throw new Invalid("Training starts elsewhere", "POST the training request to "
                    + "/api/projects/{id}/trainings; it runs as a job of type train");
        }
        if (!"saliency".equals(r.type()) && !"predict".equals(r.type())) {
            throw new Invalid("Unknown job type '" + r.type() + "'", "Jobs of type saliency or predict can "
                    + "be submitted here");
        }
        boolean saliency = "saliency".equals(r.type());
        if (r.modelId() == null) {
            throw new Invalid("Missing modelId", "Name the model version whose maps to compute");
        }
        ModelVersion v = models.find(r.modelId()).orElseThrow(() -> NotFound.of("Model " + r.modelId()));
        if (saliency && (r.methods() == null || r.methods().isEmpty())) {
            throw new Invalid("Missing methods", "Give at least one {name, params}");
        }
        if (!saliency && r.methods() != null && !r.methods().isEmpty()) {
            throw new Invalid("Methods in a predict job", "A predict job computes predictions only; "
                    + "submit a saliency job for maps");
        }
        List<Map<String, Object>> canonical = new ArrayList<>();
        for (SaliencyJobRequest.MethodRequest m : saliency ? r.methods() : List.<SaliencyJobRequest.MethodRequest>of()) {
            AttributionMethod method = methods.get(m == null ? null : m.name());
            var bound = method.parameters().bind(method.name(), m.params() == null ? Map.of() : m.params());
            canonical.add(Map.of("name", method.name(), "params", bound.asMap()));
        }
        String target = Targets.rule(r.target());
        int priority = r.priority() == null ? 0 : r.priority();
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("modelId", v.id);
        if (saliency) {
            params.put("methods", canonical);
            params.put("target", target);
        }
        Number job = (Number) em.createNativeQuery("insert into jobs (project_id, kind, state, parameters, priority) "
                        + "values (?1, ?4, 'queued', ?2, ?3) returning id")
                .setParameter(1, v.projectId).setParameter(2, json(params)).setParameter(3, priority)
                .setParameter(4, r.type()).getSingleResult();
        long id = job.longValue();
        int items;
        if (r.samples() instanceof List<?> ids) {
            if (ids.isEmpty()) {
                throw new Invalid("Empty sample selection", "samples lists no ids");
            }
            List<Long> wanted = new ArrayList<>();
            for (Object o : ids) {
                if (!(o instanceof Number n)) {
                    throw new Invalid("Invalid sample id '" + o + "'", "samples is a list of sample ids");
                }
                wanted.add(n.longValue());
            }
            items = em.createNativeQuery("insert into job_items (job_id, sample_id) select ?1, id from samples "
                            + "where project_id = ?2 and id = any(cast(?3 as bigint[])) order by id")
                    .setParameter(1, id).setParameter(2, v.projectId).setParameter(3, PgArray.ofLongs(wanted)).executeUpdate();
            if (items != wanted.stream().distinct().count()) {
                throw new Invalid("Unknown samples", (wanted.stream().distinct().count() - items)
                        + " of the ids are not samples of the model's project " + v.projectId);
            }
        } else if (r.samples() instanceof Map<?, ?> sel) {
            Object project = sel.get("projectId");
            if (project != null && (!(project instanceof Number pn) || pn.longValue() != v.projectId)) {
                throw new Invalid("Samples of another project", "Model " + v.id + " belongs to project "
                        + v.projectId);
            }
            Object split = sel.get("split");
            if (split == null) {
                items = em.createNativeQuery("insert into job_items (job_id, sample_id) select ?1, id from samples "
                        + "where project_id = ?2 order by id").setParameter(1, id).setParameter(2, v.projectId).executeUpdate();
            } else {
                items = em.createNativeQuery("insert into job_items (job_id, sample_id) select ?1, id from samples "
                                + "where project_id = ?2 and split = ?3 order by id")
                        .setParameter(1, id).setParameter(2, v.projectId)
                        .setParameter(3, Split.parse(String.valueOf(split)).value()).executeUpdate();
            }
            if (items == 0) {
                throw new Invalid("Empty sample selection", "No samples match " + sel);
            }
        } else {
            throw new Invalid("Missing samples", "samples is a list of ids or {\"projectId\": …, \"split\": …}");
        }
        Map<String, Object> details = new LinkedHashMap<>(params);
        details.put("kind", r.type());
        details.put("priority", priority);
        details.put("items", items);
        audit.record("job.submit", "job:" + id, v.projectId, details);
        return id;
    }

    private final Map<Long, SaliencySpec> specs = new java.util.concurrent.ConcurrentHashMap<>();

    /** The saliency settings of a job, for workers; read once per job (they never change). */
    public SaliencySpec saliencySpec(long jobId) {
        SaliencySpec s = specs.get(jobId);
        if (s == null) {
            if (specs.size() > 1000) {
                specs.clear();
            }
            s = self.readSaliencySpec(jobId);
            specs.put(jobId, s);
        }
        return s;
    }

    @jakarta.inject.Inject
    JobService self;

    @Transactional
    SaliencySpec readSaliencySpec(long jobId) {
        String p = (String) em.createNativeQuery("select parameters from jobs where id = ?1").setParameter(1, jobId)
                .getSingleResult();
        try {
            Map<String, Object> m = JSON.readValue(p, new TypeReference<Map<String, Object>>() { });
            List<SaliencyJobRequest.MethodRequest> list = JSON.convertValue(m.get("methods"),
                    new TypeReference<List<SaliencyJobRequest.MethodRequest>>() { });
            return new SaliencySpec(((Number) m.get("modelId")).longValue(), list == null ? List.of() : list,
                    (String) m.get("target"));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Job " + jobId + " has unreadable parameters", e);
        }
    }

    @Transactional
    @SuppressWarnings("unchecked")
    public Optional<JobView> job(long id) {
        List<Object[]> rows = em.createNativeQuery("select id, project_id, kind, state, progress, parameters, result, error, "
                + "priority, extract(epoch from (coalesce(finished_at, now()) - started_at)) from jobs where id = ?1")
                .setParameter(1, id).getResultList();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Object[] r = rows.get(0);
        Object[] c = (Object[]) em.createNativeQuery("select count(*), count(*) filter (where state = 'succeeded'), "
                + "count(*) filter (where state = 'failed'), count(*) filter (where state = 'cancelled') "
                + "from job_items where job_id = ?1").setParameter(1, id).getSingleResult();
        long total = ((Number) c[0]).longValue();
        long done = ((Number) c[1]).longValue();
        long failed = ((Number) c[2]).longValue();
        long cancelled = ((Number) c[3]).longValue();
        String kind = (String) r[2];
        // a training job is one item; its progress is what the trainer writes
        double progress = total == 0 || kind.equals("train") && total == 1 && done + failed + cancelled == 0
                ? ((Number) r[4]).doubleValue() : (done + failed + cancelled) / (double) total;
        Double elapsed = r[9] == null ? null : ((Number) r[9]).doubleValue();
        Double rate;
        Double eta;
        if (kind.equals("train")) {
            rate = null;
            eta = elapsed == null || progress <= 0.01 || progress >= 1 ? null : elapsed * (1 - progress) / progress;
        } else {
            rate = elapsed == null || elapsed <= 0 || total == 0 ? null : (done + failed) / elapsed;
            eta = rate == null || rate == 0 ? null : (total - done - failed - cancelled) / rate;
        }
        List<Object[]> errors = em.createNativeQuery("select id, sample_id, attempts, last_error from job_items "
                + "where job_id = ?1 and state = 'failed' order by id limit 50").setParameter(1, id).getResultList();
        List<ItemError> failedItems = errors.stream().map(e -> new ItemError(((Number) e[0]).longValue(),
                e[1] == null ? null : ((Number) e[1]).longValue(), ((Number) e[2]).intValue(), (String) e[3])).toList();
        return Optional.of(new JobView(((Number) r[0]).longValue(), ((Number) r[1]).longValue(), kind, (String) r[3],
                progress, ((Number) r[8]).intValue(), map((String) r[5]), map((String) r[6]), (String) r[7], total, done,
                failed, cancelled, rate, eta, failedItems));
    }

    /** The most recent jobs, newest first. */
    @Transactional
    @SuppressWarnings("unchecked")
    public List<JobView> recent(int limit) {
        List<Number> ids = em.createNativeQuery("select id from jobs order by id desc limit ?1").setParameter(1, limit)
                .getResultList();
        return ids.stream().map(i -> job(i.longValue()).orElseThrow()).toList();
    }

    /** A worker process as it last reported itself. */
    public record WorkerView(String id, String host, String device, int threads, java.time.OffsetDateTime heartbeat,
                             long batchesDone, long itemsDone, boolean alive) {
    }

    /** Workers seen in the last hour, most recent heartbeat first; alive when heard from in the last minute. */
    @Transactional
    @SuppressWarnings("unchecked")
    public List<WorkerView> workers() {
        List<Object[]> rows = em.createNativeQuery("select id, host, device, threads, heartbeat_at, batches_done, items_done, "
                + "heartbeat_at > now() - interval '1 minute' from workers where heartbeat_at > now() - interval '1 hour' "
                + "order by heartbeat_at desc").getResultList();
        return rows.stream().map(r -> new WorkerView((String) r[0], (String) r[1], (String) r[2], ((Number) r[3]).intValue(),
                org.rationale.database.PgTime.of(r[4]),
                ((Number) r[5]).longValue(), ((Number) r[6]).longValue(), (Boolean) r[7])).toList();
    }

    /** Cancels a job; 404 when unknown, 409 when it had already ended. */
    public void cancel(long id) {
        if (job(id).isEmpty()) {
            throw NotFound.of("Job " + id);
        }
        if (!queue.cancel(id)) {
            throw new Conflict("Job already ended", "Job " + id + " is " + job(id).orElseThrow().state());
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(String json) {
        if (json == null) {
            return null;
        }
        try {
            return JSON.readValue(json, Map.class);
        } catch (JsonProcessingException e) {
            return Map.of("raw", json);
        }
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
