package org.rationale.worker;

import org.rationale.config.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.rationale.audit.AuditCaller;
import org.rationale.audit.AuditLog;
import org.rationale.dataset.Split;
import org.rationale.error.Conflict;
import org.rationale.error.Invalid;
import org.rationale.error.NotFound;
import org.rationale.model.ModelService;
import org.rationale.model.ModelVersion;
import org.rationale.saliency.AttributionMethod;
import org.rationale.saliency.AttributionMethods;
import org.rationale.saliency.SanityService;
import org.rationale.saliency.Targets;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Checks and records saliency, predict and sanity jobs, and reports on every job (training ones too) with its items. */
@ApplicationScoped
public class JobService {

    static final ObjectMapper JSON = Json.MAPPER;

    private final JobStore store;
    private final ModelService models;
    private final AttributionMethods methods;
    private final JobQueue queue;
    private final AuditLog audit;

    JobService(JobStore store, ModelService models, AttributionMethods methods, JobQueue queue, AuditLog audit) {
        this.store = store;
        this.models = models;
        this.methods = methods;
        this.queue = queue;
        this.audit = audit;
    }

    /** What a worker needs to compute one saliency item. */
    public record SaliencySpec(long modelId, List<JobRequest.MethodRequest> methods, String target) {
    }

    /**
     * A job with its item counts, rate and ETA, as REST and the jobs page show it; with the version
     * number of its model (the one it explains, or the one a training made; null before that) and
     * that model's label ("small-cnn v2"), its methods, the split it works on (null for samples chosen by id), who started it (null: the
     * system) and when it was submitted.
     */
    public record JobSummary(long id, long projectId, JobKind kind, JobState state, double progress, int priority,
                             Map<String, Object> parameters, Map<String, Object> result, String error, long itemsTotal,
                             long itemsDone, long itemsFailed, long itemsCancelled, Double itemsPerSecond,
                             Double etaSeconds, List<ItemError> failedItems, Integer modelVersion, String model,
                             List<String> methods,
                             String split, String startedBy, OffsetDateTime createdAt) {
    }

    /** A failed item and why. */
    public record ItemError(long itemId, Long sampleId, int attempts, String error) {
    }

    /** Validates the request and stores the job with one item per sample, in one transaction. */
    @Transactional
    public long submit(JobRequest r) {
        if (r == null) {
            throw new Invalid("Missing body", "Send {type, modelId, methods, samples, target}");
        }
        JobKind kind = JobKind.of(r.type()).orElse(null);
        if (kind == JobKind.TRAIN) {
            throw new Invalid("Training starts elsewhere", "POST the training request to "
                    + "/api/projects/{id}/trainings; it runs as a job of type train");
        }
        if (kind == null) {
            throw new Invalid("Unknown job type '" + r.type() + "'", "Jobs of type saliency, predict or sanity can "
                    + "be submitted here");
        }
        if (kind == JobKind.SANITY) {
            return submitSanity(r);
        }
        boolean saliency = kind == JobKind.SALIENCY;
        if (r.modelId() == null) {
            throw new Invalid("Missing modelId", "Name the model version whose maps to compute; a job works on the "
                    + "samples of that model's project");
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
        for (JobRequest.MethodRequest m : saliency ? r.methods() : List.<JobRequest.MethodRequest>of()) {
            AttributionMethod method = methods.get(m == null ? null : m.name());
            if (ModelService.isTabular(v)) {
                var onRows = method.refusalOnRows();
                if (onRows.isPresent()) {
                    throw new Invalid("Method '" + method.name() + "' cannot run on " + v.label(), onRows.get());
                }
            }
            var bound = method.bind(m.params() == null ? Map.of() : m.params(), ModelService.isTabular(v));
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
        if (r.samples() instanceof SampleSelection.Subset subset) {
            params.put("split", subset.split() == null ? "all" : Split.parse(subset.split()).value());
        }
        long id = store.insertJob(v.projectId, kind, json(params), priority, caller.username().orElse(null));
        int items = items(id, v, r.samples());
        Map<String, Object> details = new LinkedHashMap<>(params);
        details.put("kind", kind.value());
        details.put("priority", priority);
        details.put("items", items);
        audit.record("job.submit", "job:" + id, v.projectId, details);
        return id;
    }

    /**
     * A sanity job: one item per method, in the order given, each running the randomisation check of
     * that method (with its parameters) on the model version; a method that cannot run on the model,
     * a repeated method or a sample selection is a 400 and nothing is stored.
     */
    private long submitSanity(JobRequest r) {
        if (r.modelId() == null) {
            throw new Invalid("Missing modelId", "Name the model version to check");
        }
        ModelVersion v = models.find(r.modelId()).orElseThrow(() -> NotFound.of("Model " + r.modelId()));
        if (r.methods() == null || r.methods().isEmpty()) {
            throw new Invalid("Missing methods", "Give at least one {name, params} to check");
        }
        if (r.methods().size() > methods.all().size()) {
            throw new Invalid("Too many methods", "A sanity job checks at most " + methods.all().size()
                    + " methods, one item each");
        }
        if (r.samples() != null || r.target() != null) {
            throw new Invalid("Samples in a sanity job", "A sanity check runs on the first " + SanityService.DEFAULT_SAMPLES
                    + " test samples of the model's project and targets the predicted class; leave samples and target out");
        }
        List<Map<String, Object>> canonical = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (JobRequest.MethodRequest m : r.methods()) {
            AttributionMethod method = methods.get(m == null ? null : m.name());
            if (names.contains(method.name())) {
                throw new Invalid("Method '" + method.name() + "' given twice", "List each method once");
            }
            var refusal = method.refusalOn(v.supportsCam, ModelService.isTabular(v));
            if (refusal.isPresent()) {
                throw new Invalid("Method '" + method.name() + "' cannot run on " + v.label(),
                        refusal.get());
            }
            var bound = method.bind(m.params() == null ? Map.of() : m.params(), ModelService.isTabular(v));
            names.add(method.name());
            canonical.add(Map.of("name", method.name(), "params", bound.asMap()));
        }
        int priority = r.priority() == null ? 0 : r.priority();
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("modelId", v.id);
        params.put("methods", canonical);
        long id = store.insertJob(v.projectId, JobKind.SANITY, json(params), priority, caller.username().orElse(null));
        store.insertSampleFreeItems(id, canonical.size());
        Map<String, Object> details = new LinkedHashMap<>(params);
        details.put("kind", JobKind.SANITY.value());
        details.put("priority", priority);
        details.put("items", canonical.size());
        audit.record("job.submit", "job:" + id, v.projectId, details);
        return id;
    }

    /** The method (with its parameters) that an item of a sanity job checks, and on which model. */
    public record SanityItem(long modelId, JobRequest.MethodRequest method) {
    }

    /** What one item of a sanity job checks: the job's methods in item order. */
    @Transactional
    public SanityItem sanityItem(long jobId, long itemId) {
        SaliencySpec spec = saliencySpec(jobId);
        int index = store.itemIndex(jobId, itemId);
        if (index < 0 || index >= spec.methods().size()) {
            throw new IllegalStateException("Item " + itemId + " is not one of the methods of sanity job " + jobId);
        }
        return new SanityItem(spec.modelId(), spec.methods().get(index));
    }

    /** A method of a sanity job with the state of its item and, when it failed, why. */
    public record SanityProgress(String method, Map<String, String> params, ItemState state, String error) {
    }

    /** The methods of a sanity job in order, each with its item's state. */
    @Transactional
    public List<SanityProgress> sanityProgress(long jobId) {
        JobStore.Row row = store.job(jobId).orElseThrow(() -> NotFound.of("Job " + jobId));
        if (row.kind() != JobKind.SANITY) {
            throw new Invalid("Not a sanity job", "Job " + jobId + " is a " + row.kind().value() + " job");
        }
        List<JobRequest.MethodRequest> methodsOfJob = saliencySpec(jobId).methods();
        List<JobStore.ItemRow> items = store.itemsInOrder(jobId);
        List<SanityProgress> out = new ArrayList<>();
        for (int i = 0; i < methodsOfJob.size() && i < items.size(); i++) {
            JobRequest.MethodRequest m = methodsOfJob.get(i);
            out.add(new SanityProgress(m.name(), m.params() == null ? Map.of() : m.params(), items.get(i).state(),
                    items.get(i).error()));
        }
        return out;
    }

    /** One item per selected sample of the model's project; a selection that names none is a 400. */
    private int items(long jobId, ModelVersion v, SampleSelection samples) {
        if (samples instanceof SampleSelection.Ids list) {
            List<Long> wanted = list.ids();
            if (wanted.isEmpty()) {
                throw new Invalid("Empty sample selection", "samples lists no ids");
            }
            int items = store.insertItems(jobId, v.projectId, wanted);
            long distinct = wanted.stream().distinct().count();
            if (items != distinct) {
                throw new Invalid("Unknown samples", (distinct - items) + " of the ids are not samples of the model's project "
                        + v.projectId);
            }
            return items;
        }
        if (samples instanceof SampleSelection.Subset subset) {
            if (subset.projectId() != null && !subset.projectId().equals(v.projectId)) {
                throw new Invalid("Samples of another project", "Model " + v.id + " belongs to project " + v.projectId);
            }
            int items = store.insertItems(jobId, v.projectId,
                    Optional.ofNullable(subset.split()).map(Split::parse));
            if (items == 0) {
                throw new Invalid("Empty sample selection", "No samples match " + described(subset));
            }
            return items;
        }
        throw new Invalid("Missing samples", "samples is a list of ids or {\"projectId\": …, \"split\": …}");
    }

    /** A subset as the message has always shown it ({projectId=1, split=test}). */
    private static String described(SampleSelection.Subset subset) {
        Map<String, Object> shown = new LinkedHashMap<>();
        if (subset.projectId() != null) {
            shown.put("projectId", subset.projectId());
        }
        if (subset.split() != null) {
            shown.put("split", subset.split());
        }
        return shown.toString();
    }

    private final Map<Long, SaliencySpec> specs = new ConcurrentHashMap<>();

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

    @Inject
    JobService self;

    @Inject
    AuditCaller caller;


    @Transactional
    SaliencySpec readSaliencySpec(long jobId) {
        String p = store.parameters(jobId);
        try {
            Map<String, Object> m = JSON.readValue(p, new TypeReference<Map<String, Object>>() { });
            List<JobRequest.MethodRequest> list = JSON.convertValue(m.get("methods"),
                    new TypeReference<List<JobRequest.MethodRequest>>() { });
            return new SaliencySpec(((Number) m.get("modelId")).longValue(), list == null ? List.of() : list,
                    (String) m.get("target"));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Job " + jobId + " has unreadable parameters", e);
        }
    }

    @Transactional
    public Optional<JobSummary> job(long id) {
        return store.job(id).map(this::summary);
    }

    private JobSummary summary(JobStore.Row r) {
        Map<ItemState, Long> counts = store.itemCounts(r.id());
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        long done = counts.getOrDefault(ItemState.SUCCEEDED, 0L);
        long failed = counts.getOrDefault(ItemState.FAILED, 0L);
        long cancelled = counts.getOrDefault(ItemState.CANCELLED, 0L);
        boolean training = r.kind() == JobKind.TRAIN;
        // a training job is one item; its progress is what the trainer writes
        double progress = total == 0 || training && total == 1 && done + failed + cancelled == 0
                ? r.progress() : (done + failed + cancelled) / (double) total;
        Double elapsed = r.seconds();
        Double rate;
        Double eta;
        if (training) {
            rate = null;
            eta = elapsed == null || progress <= 0.01 || progress >= 1 ? null : elapsed * (1 - progress) / progress;
        } else {
            rate = elapsed == null || elapsed <= 0 || total == 0 ? null : (done + failed) / elapsed;
            eta = rate == null || rate == 0 ? null : (total - done - failed - cancelled) / rate;
        }
        Map<String, Object> parameters = map(r.parameters());
        Map<String, Object> result = map(r.result());
        Optional<ModelVersion> model = modelOf(parameters, result);
        return new JobSummary(r.id(), r.projectId(), r.kind(), r.state(), progress, r.priority(), parameters,
                result, r.error(), total, done, failed, cancelled, rate, eta, store.failedItems(r.id(), 50),
                model.map(v -> v.version).orElse(null), model.map(ModelVersion::label).orElse(null),
                methodNames(parameters), text(parameters, "split"), r.startedBy(),
                r.createdAt());
    }

    /** The model a job explains, or the one its training made; empty when neither is known. */
    private Optional<ModelVersion> modelOf(Map<String, Object> parameters, Map<String, Object> result) {
        Object id = parameters == null ? null : parameters.get("modelId");
        if (!(id instanceof Number) && result != null) {
            id = result.get("modelId");
        }
        return id instanceof Number n ? models.find(n.longValue()) : Optional.empty();
    }

    private static List<String> methodNames(Map<String, Object> parameters) {
        List<String> names = new ArrayList<>();
        if (parameters != null && parameters.get("methods") instanceof List<?> list) {
            for (Object m : list) {
                if (m instanceof Map<?, ?> method && method.get("name") instanceof String name) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    private static String text(Map<String, Object> parameters, String key) {
        return parameters != null && parameters.get(key) instanceof String s ? s : null;
    }

    /** The most recent jobs, newest first. */
    @Transactional
    public List<JobSummary> recent(int limit) {
        return store.recentIds(limit).stream().map(i -> job(i).orElseThrow()).toList();
    }

    /**
     * A worker process as it last reported itself: {@code selfChecks} maps computed twice,
     * {@code selfCheckDisagreements} checked batches that came out different the second time.
     */
    public record WorkerStatus(String id, String host, String device, int threads, OffsetDateTime heartbeat,
                             long batchesDone, long itemsDone, boolean alive, long selfChecks,
                             long selfCheckDisagreements, String unreliable) {
    }

    /** Workers seen in the last hour, most recent heartbeat first; alive when heard from in the last minute. */
    @Transactional
    public List<WorkerStatus> workers() {
        return store.workers();
    }

    /** Cancels a job; 404 when unknown, 409 when it had already ended. */
    public void cancel(long id) {
        if (job(id).isEmpty()) {
            throw NotFound.of("Job " + id);
        }
        if (!queue.cancel(id)) {
            throw new Conflict("Job already ended", "Job " + id + " is " + job(id).orElseThrow().state().value());
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
