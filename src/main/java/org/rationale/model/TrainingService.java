package org.rationale.model;

import org.rationale.error.Invalid;
import org.rationale.error.NotFound;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;
import org.rationale.dataset.DatasetService;
import org.rationale.dataset.Split;
import org.rationale.project.Project;
import org.rationale.project.ProjectService;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Training as a job of the queue: the request is checked and recorded as a job with one item, a
 * worker (of this process or any other) claims it and calls {@link #run}, progress and the result
 * (the new model version and its accuracies per split) are written back to the job. A worker that
 * dies mid-training lets its lease expire, and another worker trains again from the start.
 */
@ApplicationScoped
public class TrainingService {

    private static final Logger LOG = Logger.getLogger(TrainingService.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    @jakarta.inject.Inject
    org.rationale.audit.AuditLog audit;
    private final EntityManager em;
    private final ProjectService projects;
    private final DatasetService datasets;
    private final ModelService models;
    private final ComputeDevice device;

    TrainingService(EntityManager em, ProjectService projects, DatasetService datasets, ModelService models,
                    ComputeDevice device) {
        this.em = em;
        this.projects = projects;
        this.datasets = datasets;
        this.models = models;
        this.device = device;
    }

    /** Checks the request and queues the training; returns the job id. */
    public long start(long projectId, TrainingRequest request) {
        TrainingRequest r = request.validated();
        Split split = Split.parse(r.split());
        Project p = projects.find(projectId).orElseThrow(() -> NotFound.of("Project " + projectId));
        if (datasets.countsBySplit(projectId).get(split.value()) == 0) {
            throw new Invalid("Nothing to train on", "Project '" + p.name + "' has no " + split.value() + " samples");
        }
        var shapes = datasets.datasetsOf(projectId).stream().filter(d -> d.split.equals(split.value()))
                .map(d -> d.width + "x" + d.height + "x" + d.channels).distinct().toList();
        if (shapes.size() != 1 || shapes.get(0).contains("null")) {
            throw new Invalid("Images differ in size", "Training needs one image size in the "
                    + split.value() + " split; found " + shapes);
        }
        if (p.classNames.size() < 2) {
            throw new Invalid("Too few classes", "Training needs at least two classes");
        }
        return insertJob(projectId, r);
    }

    @Transactional
    long insertJob(long projectId, TrainingRequest r) {
        Number id = (Number) em.createNativeQuery("insert into jobs (project_id, kind, state, parameters) "
                        + "values (?1, 'train', 'queued', ?2) returning id")
                .setParameter(1, projectId).setParameter(2, json(r)).getSingleResult();
        em.createNativeQuery("insert into job_items (job_id) values (?1)").setParameter(1, id.longValue()).executeUpdate();
        audit.record("job.submit", "job:" + id.longValue(), projectId, org.rationale.audit.AuditLog.details(
                "kind", "train", "items", 1, "request", r));
        return id.longValue();
    }

    /**
     * Trains for a claimed job item: reads the request stored with the job, trains on this
     * process's device, stores the new version and writes the result to the job. Exceptions go to
     * the caller, the worker, which fails or retries the item.
     */
    public void run(long jobId) {
        Object[] row = jobRow(jobId);
        long projectId = ((Number) row[0]).longValue();
        TrainingRequest r;
        try {
            r = JSON.readValue((String) row[1], TrainingRequest.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Job " + jobId + " has unreadable parameters: " + e.getMessage(), e);
        }
        run(jobId, projectId, r, Split.parse(r.split()));
    }

    @Transactional
    Object[] jobRow(long jobId) {
        return (Object[]) em.createNativeQuery("select project_id, parameters from jobs where id = ?1 and kind = 'train'")
                .setParameter(1, jobId).getSingleResult();
    }

    private void run(long jobId, long projectId, TrainingRequest r, Split split) {
        long t0 = System.nanoTime();
        update(jobId, 0, null);
        Project p = projects.find(projectId).orElseThrow();
        List<DatasetService.LabelledPixels> train = datasets.pixels(projectId, split);
        var first = train.get(0);
        InputSpec spec = new InputSpec(r.name(), first.channels(), first.height(), first.width(), 1.0 / 255,
                java.util.Collections.nCopies(first.channels(), 0.0), java.util.Collections.nCopies(first.channels(), 1.0),
                List.copyOf(p.classNames));
        long[] lastWrite = {0};
        Feedback feedback = feedback(projectId, split, r, train);
        ModelTrainer.Result result = ModelTrainer.train(spec, train, r, feedback, device.device(), progress -> {
            if (System.nanoTime() - lastWrite[0] > 2_000_000_000L) {
                lastWrite[0] = System.nanoTime();
                update(jobId, progress, null);
            }
        });
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("architecture", SmallCnn.ARCHITECTURE);
        summary.put("split", split.value());
        summary.put("samples", train.size());
        summary.put("request", r);
        summary.put("epochLoss", result.epochLoss());
        summary.put("epochAccuracy", result.epochAccuracy());
        summary.put("feedback", Map.of("mode", feedback.mode().value(), "lambda", feedback.lambda(),
                "masks", feedback.examples().size(), "perBatch", feedback.perBatch()));
        Map<String, Double> accuracy = new LinkedHashMap<>();
        try (TrainedCnnModel trained = TrainedCnnModel.load(spec, result.parameters(), device.device())) {
            for (Split s : Split.values()) {
                List<DatasetService.LabelledPixels> data = s == split ? train : datasets.pixels(projectId, s);
                if (!data.isEmpty()) {
                    accuracy.put(s.value(), ModelTrainer.accuracy(trained, data));
                }
            }
        }
        summary.put("accuracy", accuracy);
        summary.put("seconds", (System.nanoTime() - t0) / 1e9);
        ModelVersion v = models.storeTrained(projectId, spec, result.parameters(), json(summary), parentOf(r), jobId);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("modelId", v.id);
        out.put("accuracy", accuracy);
        out.put("seconds", summary.get("seconds"));
        update(jobId, 1, json(out));
        LOG.infof("Trained %s v%d on %d samples in %.1f s; accuracy %s", v.name, v.version, train.size(),
                (System.nanoTime() - t0) / 1e9, accuracy);
    }

    /**
     * The experts' feedback for a training: every non-empty {@code shortcut} mask on the split's
     * samples, with the sample's pixels; none when the request asks for none.
     */
    @Transactional
    @SuppressWarnings("unchecked")
    Feedback feedback(long projectId, Split split, TrainingRequest r, List<DatasetService.LabelledPixels> data) {
        Feedback.Mode mode = r.feedbackMode();
        if (mode == Feedback.Mode.NONE) {
            return Feedback.NONE;
        }
        List<Object[]> rows = em.createNativeQuery("select a.sample_id, a.mask from annotations a join samples s "
                        + "on s.id = a.sample_id where s.project_id = ?1 and s.split = ?2 and a.kind = 'shortcut' "
                        + "and a.pixels > 0 order by a.sample_id")
                .setParameter(1, projectId).setParameter(2, split.value()).getResultList();
        Map<Long, DatasetService.LabelledPixels> byId = new java.util.HashMap<>();
        for (DatasetService.LabelledPixels p : data) {
            byId.put(p.sampleId(), p);
        }
        List<Feedback.Example> examples = new java.util.ArrayList<>();
        for (Object[] row : rows) {
            DatasetService.LabelledPixels p = byId.get(((Number) row[0]).longValue());
            byte[] mask = (byte[]) row[1];
            if (p != null && mask.length == p.width() * p.height()) {
                examples.add(new Feedback.Example(p, mask));
            }
        }
        return new Feedback(mode, r.lambda() == null ? 1000 : r.lambda(), TrainingRequest.FEEDBACK_PER_BATCH, examples);
    }

    /** The model a round retrains, as the new version's parent. */
    @Transactional
    @SuppressWarnings("unchecked")
    Long parentOf(TrainingRequest r) {
        if (r.roundId() == null) {
            return null;
        }
        List<Number> ids = em.createNativeQuery("select model_version_id from rounds where id = ?1")
                .setParameter(1, r.roundId()).getResultList();
        return ids.isEmpty() ? null : ids.get(0).longValue();
    }

    /** Progress and, at the end, the result; the queue owns the job's state. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    void update(long jobId, double progress, String result) {
        em.createNativeQuery("update jobs set progress = ?2, result = coalesce(?3, result) where id = ?1")
                .setParameter(1, jobId).setParameter(2, (float) progress).setParameter(3, result).executeUpdate();
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
