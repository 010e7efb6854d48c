package org.rationale.scheduler;

import org.rationale.error.Invalid;
import org.rationale.error.NotFound;
import org.rationale.error.Conflict;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;
import org.rationale.database.PgTime;
import org.rationale.model.Feedback;
import org.rationale.model.ModelService;
import org.rationale.model.ModelVersion;
import org.rationale.model.TrainingRequest;
import org.rationale.model.TrainingService;
import org.rationale.security.Caller;
import org.rationale.worker.JobService;
import org.rationale.worker.JobRequest;
import org.rationale.worker.JobState;
import org.rationale.worker.SampleSelection;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Feedback rounds: pick a batch with a strategy → experts review → retrain with their masks → new
 * model version → predictions and maps recomputed by the workers → next round. A round moves
 * through {@code recomputing} (evidence for the model being computed) → {@code reviewing} →
 * {@code training} → {@code recomputing} → {@code done}; {@link #advance} moves it on when its jobs
 * end, and records the new version, the reviewed count, the test accuracy and the share of
 * attribution on known shortcut masks.
 */
@ApplicationScoped
public class RoundService {

    private static final Logger LOG = Logger.getLogger(RoundService.class);

    private final EntityManager em;
    private final SchedulerService scheduler;
    private final ModelService models;
    private final TrainingService training;
    private final JobService jobs;

    @jakarta.inject.Inject
    org.rationale.audit.AuditLog audit;
    @jakarta.inject.Inject
    org.rationale.review.ReviewService reviews;

    RoundService(EntityManager em, SchedulerService scheduler, ModelService models, TrainingService training,
                 JobService jobs) {
        this.em = em;
        this.scheduler = scheduler;
        this.models = models;
        this.training = training;
        this.jobs = jobs;
    }

    /** A round as the API and the rounds page show it. */
    public record Round(long id, long projectId, int number, String strategy, int batchSize, String feedback,
                        double lambda, int epochs, long modelId, Long trainingJobId, Long recomputeJobId,
                        Long trainedModelId, String state, int reviewedBefore, Integer reviewed, Integer masks,
                        Double testAccuracy, Double shortcutMass, String error, String startedBy,
                        OffsetDateTime createdAt, OffsetDateTime finishedAt) {
    }

    /** What a new round asks for; nulls take defaults (the project's strategy, 20, rrr, λ 1000, 2 epochs, latest model). */
    public record StartRequest(String strategy, Integer batchSize, String feedback, Double lambda, Integer epochs,
                               Long modelId) {
    }

    /** Starts the next round of a project; 409 while another is open. */
    @Transactional
    public Round start(long projectId, Caller caller, StartRequest request) {
        StartRequest r = request == null ? new StartRequest(null, null, null, null, null, null) : request;
        // one start at a time per project, so the open-round check below holds
        em.createNativeQuery("select pg_advisory_xact_lock(hashtextextended('rounds:' || ?1, 0))")
                .setParameter(1, projectId).getSingleResult();
        Optional<Round> open = open(projectId);
        if (open.isPresent()) {
            throw new Conflict("Round " + open.get().number() + " is still " + open.get().state(),
                    "Finish it (retrain after the reviews) before starting another");
        }
        Strategy strategy = r.strategy() == null ? scheduler.settings(projectId).strategy() : Strategy.parse(r.strategy());
        int batch = r.batchSize() == null ? 20 : r.batchSize();
        if (batch < 1 || batch > 1000) {
            throw new Invalid("Invalid batchSize " + batch, "A round reviews 1 to 1,000 samples");
        }
        Feedback.Mode feedback = r.feedback() == null ? Feedback.Mode.RRR : Feedback.Mode.parse(r.feedback());
        double lambda = r.lambda() == null ? 1000 : r.lambda();
        if (!(lambda >= 0 && lambda <= 1e7)) {
            throw new Invalid("Invalid lambda " + lambda, "lambda must be between 0 and 10,000,000");
        }
        int epochs = r.epochs() == null ? 2 : r.epochs();
        if (epochs < 1 || epochs > 20) {
            throw new Invalid("Invalid epochs " + epochs, "A round retrains for 1 to 20 epochs");
        }
        ModelVersion model = r.modelId() != null
                ? models.find(r.modelId()).filter(m -> m.projectId == projectId)
                        .orElseThrow(() -> new Invalid("Unknown model " + r.modelId(), "Not a model of project " + projectId))
                : models.list(projectId).stream().max(java.util.Comparator.comparing(m -> m.id))
                        .orElseThrow(() -> new Invalid("No model yet", "Train or upload a model before a round"));
        if (scheduler.pool(projectId).isEmpty()) {
            throw new Invalid("Nothing to review", "The project has no training samples");
        }
        int number = ((Number) em.createNativeQuery("select coalesce(max(number), 0) + 1 from rounds where project_id = ?1")
                .setParameter(1, projectId).getSingleResult()).intValue();
        int reviewedBefore = reviewedSamples(projectId);
        Number id = (Number) em.createNativeQuery("insert into rounds (project_id, number, strategy, batch_size, feedback, "
                        + "lambda, epochs, model_version_id, state, started_by, reviewed_before) values (?1, ?2, ?3, ?4, ?5, "
                        + "?6, ?7, ?8, 'recomputing', ?9, ?10) returning id")
                .setParameter(1, projectId).setParameter(2, number).setParameter(3, strategy.value()).setParameter(4, batch)
                .setParameter(5, feedback.value()).setParameter(6, (float) lambda).setParameter(7, epochs)
                .setParameter(8, model.id).setParameter(9, caller.username()).setParameter(10, reviewedBefore)
                .getSingleResult();
        em.createNativeQuery("update projects set queue_strategy = ?2 where id = ?1").setParameter(1, projectId)
                .setParameter(2, strategy.value()).executeUpdate();
        long job = recompute(projectId, model.id);
        em.createNativeQuery("update rounds set recompute_job_id = ?2 where id = ?1").setParameter(1, id.longValue())
                .setParameter(2, job).executeUpdate();
        audit.record(caller.username(), "round.start", "round:" + id.longValue(), projectId, org.rationale.audit.AuditLog.details("number", number,
                "strategy", strategy.value(), "batchSize", batch, "feedback", feedback.value(), "lambda", lambda,
                "epochs", epochs, "modelId", model.id, "reviewedBefore", reviewedBefore, "recomputeJobId", job));
        return find(projectId, number).orElseThrow();
    }

    /** Retrains after the reviews of a round: the training job takes every shortcut mask so far. */
    @Transactional
    public Round retrain(long projectId, int number, Caller caller) {
        em.createNativeQuery("select pg_advisory_xact_lock(hashtextextended('rounds:' || ?1, 0))")
                .setParameter(1, projectId).getSingleResult();
        Round round = find(projectId, number).orElseThrow(() -> NotFound.of("Round " + number));
        if (!round.state().equals("reviewing")) {
            throw new Conflict("Round " + number + " is " + round.state(),
                    "Only a round whose samples are being reviewed can be retrained");
        }
        ModelVersion model = models.find(round.modelId()).orElseThrow();
        long job = training.start(projectId, new TrainingRequest(model.name, "train", round.epochs(), 128, 1e-3,
                (long) round.number(), round.feedback(), round.lambda(), round.id()));
        em.createNativeQuery("update rounds set state = 'training', training_job_id = ?2, reviewed = ?3, masks = ?4 "
                        + "where id = ?1").setParameter(1, round.id()).setParameter(2, job)
                .setParameter(3, reviewedSamples(projectId)).setParameter(4, shortcutMasks(projectId)).executeUpdate();
        Round now = find(projectId, number).orElseThrow();
        audit.record(caller.username(), "round.retrain", "round:" + round.id(), projectId, org.rationale.audit.AuditLog.details("number", number,
                "trainingJobId", job, "reviewed", now.reviewed(), "masks", now.masks(), "feedback", round.feedback(),
                "lambda", round.lambda(), "epochs", round.epochs()));
        return now;
    }

    /** Moves every open round whose job has ended one step on; called by the conductor every few seconds. */
    public void advance() {
        for (long id : openRoundIds()) {
            try {
                advanceOne(id);
            } catch (RuntimeException e) {
                LOG.errorf(e, "Round %d could not advance", id);
                fail(id, e.getMessage());
            }
        }
    }

    @Transactional
    @SuppressWarnings("unchecked")
    List<Long> openRoundIds() {
        return ((List<Number>) em.createNativeQuery("select id from rounds where state in ('recomputing', 'training') "
                + "order by id").getResultList()).stream().map(Number::longValue).toList();
    }

    @Transactional
    void advanceOne(long id) {
        Object[] row = (Object[]) em.createNativeQuery("select project_id, number, state, training_job_id, recompute_job_id, "
                + "trained_model_id, model_version_id, batch_size, strategy from rounds where id = ?1 for update")
                .setParameter(1, id).getSingleResult();
        long projectId = ((Number) row[0]).longValue();
        String state = (String) row[2];
        if (state.equals("training")) {
            JobService.JobSummary job = jobs.job(((Number) row[3]).longValue()).orElseThrow();
            if (job.state() == JobState.SUCCEEDED) {
                long trained = ((Number) job.result().get("modelId")).longValue();
                long recompute = recompute(projectId, trained);
                em.createNativeQuery("update rounds set state = 'recomputing', trained_model_id = ?2, recompute_job_id = ?3, "
                                + "test_accuracy = ?4 where id = ?1").setParameter(1, id).setParameter(2, trained)
                        .setParameter(3, recompute).setParameter(4, testAccuracy(job.result())).executeUpdate();
                audit.record("round.trained", "round:" + id, projectId, org.rationale.audit.AuditLog.details("number", row[1], "trainedModelId", trained,
                        "testAccuracy", testAccuracy(job.result()), "recomputeJobId", recompute));
            } else if (job.state().ended()) {
                throw new IllegalStateException("training job " + job.id() + " " + job.state().value()
                        + (job.error() == null ? "" : ": " + job.error()));
            }
        } else if (state.equals("recomputing")) {
            JobService.JobSummary job = jobs.job(((Number) row[4]).longValue()).orElseThrow();
            if (!job.state().ended()) {
                return;
            }
            if (job.itemsDone() == 0) {
                throw new IllegalStateException("recomputing job " + job.id() + " computed nothing: " + job.error());
            }
            Settings settings = new Settings(scheduler.settings(projectId).weights(), ((Number) row[7]).intValue(),
                    Strategy.parse((String) row[8]));
            if (row[5] == null) {
                // evidence for the reviewed model is ready: rank the pool, reviews can begin
                scheduler.rerank(projectId, ((Number) row[6]).longValue(), settings.strategy(), settings.weights(),
                        settings.batch(), 1);
                em.createNativeQuery("update rounds set state = 'reviewing' where id = ?1").setParameter(1, id).executeUpdate();
                // samples still held from earlier reviews must not come before the round's queue
                reviews.releaseReservations(projectId);
                audit.record("round.reviewing", "round:" + id, projectId, org.rationale.audit.AuditLog.details("number", row[1],
                        "modelId", ((Number) row[6]).longValue(), "strategy", settings.strategy().value()));
            } else {
                long trained = ((Number) row[5]).longValue();
                scheduler.rerank(projectId, trained, settings.strategy(), settings.weights(), settings.batch(), 1);
                Double mass = shortcutMass(projectId, trained);
                em.createNativeQuery("update rounds set state = 'done', finished_at = now(), shortcut_mass = ?2 where id = ?1")
                        .setParameter(1, id).setParameter(2, mass == null ? null : mass.floatValue()).executeUpdate();
                audit.record("round.done", "round:" + id, projectId, org.rationale.audit.AuditLog.details("number", row[1], "trainedModelId", trained,
                        "shortcutMass", mass));
                LOG.infof("Round %d of project %d done: model %d", ((Number) row[1]).intValue(), projectId, trained);
            }
        }
    }

    private record Settings(Weights weights, int batch, Strategy strategy) {
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    void fail(long id, String error) {
        int n = em.createNativeQuery("update rounds set state = 'failed', error = ?2, finished_at = now() where id = ?1 "
                + "and state in ('recomputing', 'training')").setParameter(1, id)
                .setParameter(2, error == null ? "unknown error" : error).executeUpdate();
        if (n > 0) {
            Object[] r = (Object[]) em.createNativeQuery("select project_id, number from rounds where id = ?1")
                    .setParameter(1, id).getSingleResult();
            audit.record("round.failed", "round:" + id, ((Number) r[0]).longValue(), org.rationale.audit.AuditLog.details("number", r[1],
                    "error", error));
        }
    }

    private static Double testAccuracy(Map<String, Object> result) {
        if (result != null && result.get("accuracy") instanceof Map<?, ?> acc && acc.get("test") instanceof Number n) {
            return n.doubleValue();
        }
        return null;
    }

    /** Queues predictions and maps of the project's queue method for the pool under a model. */
    private long recompute(long projectId, long modelId) {
        SchedulerService.Settings s = scheduler.settings(projectId);
        return jobs.submit(JobRequest.saliency(modelId, List.of(new JobRequest.MethodRequest(s.method(), Map.of())),
                new SampleSelection.Ids(scheduler.pool(projectId)), "predicted", 5));
    }

    private int reviewedSamples(long projectId) {
        return ((Number) em.createNativeQuery("select count(distinct sample_id) from reviews where project_id = ?1")
                .setParameter(1, projectId).getSingleResult()).intValue();
    }

    private int shortcutMasks(long projectId) {
        return ((Number) em.createNativeQuery("select count(*) from annotations a join samples s on s.id = a.sample_id "
                        + "where s.project_id = ?1 and a.kind = 'shortcut' and a.pixels > 0")
                .setParameter(1, projectId).getSingleResult()).intValue();
    }

    /**
     * Mean share of the map's magnitude on known shortcuts, over the pool samples that have one: the
     * box recorded with the dataset (as in the demo) or else a {@code shortcut} mask painted by an expert.
     */
    @SuppressWarnings("unchecked")
    Double shortcutMass(long projectId, long modelId) {
        String method = scheduler.settings(projectId).method();
        List<Object[]> rows = em.createNativeQuery("select distinct on (m.sample_id) m.width, m.height, m.channels, "
                        + "m.encoding, m.data, s.shortcut_x, s.shortcut_y, s.shortcut_width, s.shortcut_height, a.mask "
                        + "from saliency_maps m join samples s on s.id = m.sample_id left join annotations a on "
                        + "a.sample_id = m.sample_id and a.kind = 'shortcut' and a.pixels > 0 where m.model_version_id = ?1 "
                        + "and m.method = ?2 and m.sample_id = any(cast(?3 as bigint[])) and (s.shortcut_x is not null "
                        + "or a.mask is not null) order by m.sample_id, m.id desc")
                .setParameter(1, modelId).setParameter(2, method)
                .setParameter(3, org.rationale.database.PgArray.ofLongs(scheduler.pool(projectId))).getResultList();
        double sum = 0;
        for (Object[] r : rows) {
            int w = ((Number) r[0]).intValue();
            int h = ((Number) r[1]).intValue();
            int c = ((Number) r[2]).intValue();
            float[] magnitude = SchedulerService.magnitude((String) r[3], (byte[]) r[4], w, h, c);
            byte[] mask;
            if (r[5] != null) {
                mask = new byte[w * h];
                int bx = ((Number) r[5]).intValue();
                int by = ((Number) r[6]).intValue();
                for (int y = by; y < Math.min(h, by + ((Number) r[8]).intValue()); y++) {
                    for (int x = bx; x < Math.min(w, bx + ((Number) r[7]).intValue()); x++) {
                        mask[y * w + x] = 1;
                    }
                }
            } else {
                mask = (byte[]) r[9];
            }
            sum += Localisation.massInside(magnitude, mask);
        }
        return rows.isEmpty() ? null : sum / rows.size();
    }

    @Transactional
    public List<Round> list(long projectId) {
        return rounds("project_id = ?1 order by number", projectId);
    }

    @Transactional
    public Optional<Round> find(long projectId, int number) {
        return rounds("project_id = ?1 and number = ?2", projectId, number).stream().findFirst();
    }

    @Transactional
    public Optional<Round> open(long projectId) {
        return rounds("project_id = ?1 and state in ('reviewing', 'training', 'recomputing')", projectId).stream().findFirst();
    }

    @SuppressWarnings("unchecked")
    private List<Round> rounds(String where, Object... params) {
        var q = em.createNativeQuery("select id, project_id, number, strategy, batch_size, feedback, lambda, epochs, "
                + "model_version_id, training_job_id, recompute_job_id, trained_model_id, state, reviewed_before, reviewed, "
                + "masks, test_accuracy, shortcut_mass, error, started_by, created_at, finished_at from rounds where " + where);
        for (int i = 0; i < params.length; i++) {
            q.setParameter(i + 1, params[i]);
        }
        List<Round> out = new ArrayList<>();
        for (Object[] r : (List<Object[]>) q.getResultList()) {
            out.add(new Round(((Number) r[0]).longValue(), ((Number) r[1]).longValue(), ((Number) r[2]).intValue(),
                    (String) r[3], ((Number) r[4]).intValue(), (String) r[5], ((Number) r[6]).doubleValue(),
                    ((Number) r[7]).intValue(), ((Number) r[8]).longValue(), longOrNull(r[9]), longOrNull(r[10]),
                    longOrNull(r[11]), (String) r[12], ((Number) r[13]).intValue(), intOrNull(r[14]), intOrNull(r[15]),
                    doubleOrNull(r[16]), doubleOrNull(r[17]), (String) r[18], (String) r[19], PgTime.of(r[20]),
                    r[21] == null ? null : PgTime.of(r[21])));
        }
        return out;
    }

    private static Long longOrNull(Object o) {
        return o == null ? null : ((Number) o).longValue();
    }

    private static Integer intOrNull(Object o) {
        return o == null ? null : ((Number) o).intValue();
    }

    private static Double doubleOrNull(Object o) {
        return o == null ? null : ((Number) o).doubleValue();
    }
}
