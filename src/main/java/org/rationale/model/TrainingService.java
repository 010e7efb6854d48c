package org.rationale.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;
import org.rationale.dataset.DatasetService;
import org.rationale.dataset.Split;
import org.rationale.project.Project;
import org.rationale.project.ProjectService;
import org.rationale.web.ApiException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Training as a background job: the request is checked and recorded in the jobs table, one
 * training runs at a time on its own thread, progress and the result (the new model version and
 * its accuracies per split) are written back to the job.
 */
@ApplicationScoped
public class TrainingService {

    private static final Logger LOG = Logger.getLogger(TrainingService.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final EntityManager em;
    private final ProjectService projects;
    private final DatasetService datasets;
    private final ModelService models;
    private final ExecutorService runner = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "model-training");
        t.setDaemon(true);
        return t;
    });

    TrainingService(EntityManager em, ProjectService projects, DatasetService datasets, ModelService models) {
        this.em = em;
        this.projects = projects;
        this.datasets = datasets;
        this.models = models;
    }

    /** Checks the request and queues the training; returns the job id. */
    public long start(long projectId, TrainingRequest request) {
        TrainingRequest r = request.validated();
        Split split = Split.parse(r.split());
        Project p = projects.find(projectId).orElseThrow(() -> ApiException.notFound("Project " + projectId));
        if (datasets.countsBySplit(projectId).get(split.value()) == 0) {
            throw ApiException.badRequest("Nothing to train on", "Project '" + p.name + "' has no " + split.value() + " samples");
        }
        var shapes = datasets.datasetsOf(projectId).stream().filter(d -> d.split.equals(split.value()))
                .map(d -> d.width + "x" + d.height + "x" + d.channels).distinct().toList();
        if (shapes.size() != 1 || shapes.get(0).contains("null")) {
            throw ApiException.badRequest("Images differ in size", "Training needs one image size in the "
                    + split.value() + " split; found " + shapes);
        }
        if (p.classNames.size() < 2) {
            throw ApiException.badRequest("Too few classes", "Training needs at least two classes");
        }
        long id = insertJob(projectId, r);
        runner.submit(() -> run(id, projectId, r, split));
        return id;
    }

    @Transactional
    long insertJob(long projectId, TrainingRequest r) {
        Number id = (Number) em.createNativeQuery("insert into jobs (project_id, kind, state, parameters) "
                        + "values (?1, 'train', 'queued', ?2) returning id")
                .setParameter(1, projectId).setParameter(2, json(r)).getSingleResult();
        return id.longValue();
    }

    private void run(long jobId, long projectId, TrainingRequest r, Split split) {
        long t0 = System.nanoTime();
        try {
            update(jobId, "running", 0, null, null);
            Project p = projects.find(projectId).orElseThrow();
            List<DatasetService.LabelledPixels> train = datasets.pixels(projectId, split);
            var first = train.get(0);
            InputSpec spec = new InputSpec(r.name(), first.channels(), first.height(), first.width(), 1.0 / 255,
                    java.util.Collections.nCopies(first.channels(), 0.0), java.util.Collections.nCopies(first.channels(), 1.0),
                    List.copyOf(p.classNames));
            long[] lastWrite = {0};
            ModelTrainer.Result result = ModelTrainer.train(spec, train, r, progress -> {
                if (System.nanoTime() - lastWrite[0] > 2_000_000_000L) {
                    lastWrite[0] = System.nanoTime();
                    update(jobId, "running", progress, null, null);
                }
            });
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("architecture", SmallCnn.ARCHITECTURE);
            summary.put("split", split.value());
            summary.put("samples", train.size());
            summary.put("request", r);
            summary.put("epochLoss", result.epochLoss());
            summary.put("epochAccuracy", result.epochAccuracy());
            Map<String, Double> accuracy = new LinkedHashMap<>();
            try (TrainedCnnModel trained = TrainedCnnModel.load(spec, result.parameters())) {
                for (Split s : Split.values()) {
                    List<DatasetService.LabelledPixels> data = s == split ? train : datasets.pixels(projectId, s);
                    if (!data.isEmpty()) {
                        accuracy.put(s.value(), ModelTrainer.accuracy(trained, data));
                    }
                }
            }
            summary.put("accuracy", accuracy);
            summary.put("seconds", (System.nanoTime() - t0) / 1e9);
            ModelVersion v = models.storeTrained(projectId, spec, result.parameters(), json(summary), null);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("modelId", v.id);
            out.put("accuracy", accuracy);
            out.put("seconds", summary.get("seconds"));
            update(jobId, "succeeded", 1, json(out), null);
            LOG.infof("Trained %s v%d on %d samples in %.1f s; accuracy %s", v.name, v.version, train.size(),
                    (System.nanoTime() - t0) / 1e9, accuracy);
        } catch (RuntimeException | OutOfMemoryError e) {
            LOG.error("Training job " + jobId + " failed", e);
            update(jobId, "failed", 0, null, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    void update(long jobId, String state, double progress, String result, String error) {
        em.createNativeQuery("update jobs set state = ?2, progress = ?3, result = coalesce(?4, result), error = ?5, "
                        + "started_at = coalesce(started_at, case when ?2 = 'running' then now() end), "
                        + "finished_at = case when ?2 in ('succeeded', 'failed') then now() end where id = ?1")
                .setParameter(1, jobId).setParameter(2, state).setParameter(3, (float) progress)
                .setParameter(4, result).setParameter(5, error).executeUpdate();
    }

    /**
     * Jobs a previous run left queued or running cannot finish any more: they are marked failed on
     * start, before any other start-up observer (the demo seeder) queues new ones.
     */
    @Transactional
    void failInterrupted(@Observes @jakarta.annotation.Priority(jakarta.interceptor.Interceptor.Priority.PLATFORM_BEFORE)
                         io.quarkus.runtime.StartupEvent event) {
        int n = em.createNativeQuery("update jobs set state = 'failed', error = 'interrupted: the server stopped while "
                + "the job was queued or running', finished_at = now() where kind = 'train' and state in ('queued', 'running')")
                .executeUpdate();
        if (n > 0) {
            LOG.warnf("Marked %d interrupted training job(s) as failed", n);
        }
    }

    void stop(@Observes ShutdownEvent event) {
        runner.shutdownNow();
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
