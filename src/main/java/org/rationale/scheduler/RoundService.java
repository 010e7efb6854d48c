package org.rationale.scheduler;

import org.rationale.error.DomainError;
import java.util.concurrent.ConcurrentHashMap;

import org.rationale.error.Invalid;
import org.rationale.error.NotFound;
import org.rationale.error.Conflict;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;
import org.rationale.audit.AuditLog;
import org.rationale.config.RationaleConfig;
import org.rationale.dataset.Sample;
import org.rationale.dataset.Split;
import org.rationale.model.Feedback;
import org.rationale.model.ModelService;
import org.rationale.model.RowFeedback;
import org.rationale.model.ModelVersion;
import org.rationale.model.TrainingRequest;
import org.rationale.model.TrainingService;
import org.rationale.project.ProjectStore;
import org.rationale.review.RelianceService;
import org.rationale.review.ReviewQueue;
import org.rationale.review.ReviewStore;
import org.rationale.saliency.MapStore;
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

    private final RoundStore store;
    private final SchedulerService scheduler;
    private final ModelService models;
    private final TrainingService training;
    private final JobService jobs;
    private final AuditLog audit;
    private final ReviewQueue reviewQueue;
    private final ReviewStore reviews;
    private final ProjectStore projects;
    private final MapStore maps;
    /** How often a round's reliance measurement may fail before this process stops trying it. */
    static final int RELIANCE_TRIES = 3;

    private final RelianceService reliance;
    private final Map<Long, Integer> relianceFailures = new ConcurrentHashMap<>();
    private final RationaleConfig config;

    RoundService(RoundStore store, SchedulerService scheduler, ModelService models, TrainingService training,
                 JobService jobs, AuditLog audit, ReviewQueue reviewQueue, ReviewStore reviews, ProjectStore projects,
                 MapStore maps, RelianceService reliance, RationaleConfig config) {
        this.store = store;
        this.scheduler = scheduler;
        this.models = models;
        this.training = training;
        this.jobs = jobs;
        this.audit = audit;
        this.reviewQueue = reviewQueue;
        this.reviews = reviews;
        this.projects = projects;
        this.maps = maps;
        this.reliance = reliance;
        this.config = config;
    }

    /**
     * A round as the API and the rounds page show it. {@code reviewed} and {@code masks} are the
     * round's own: training samples judged under its model while it ran, and how many of them carry
     * a shortcut mask (set when retraining starts); {@code reviewedBefore} adds up what the earlier
     * rounds reviewed. {@code modelVersion} and {@code trainedModelVersion} are the version numbers
     * ("v2") of {@code modelId} and {@code trainedModelId}. {@code relianceDrop} and
     * {@code relianceFlipRate} are the trained model's reliance on the project's marked regions
     * (pasted from images of other classes) over {@code relianceRegions} regions; null until measured.
     * Once retrained: {@code parentAccuracy}
     * (the reviewed version's test accuracy, measured with the new one's), {@code controlAccuracies}
     * (the same retraining without the round's new masks, {@code controls} of them), {@code verdict}
     * ({@code better}, {@code no-better}, {@code worse} or {@code not-compared}; see
     * {@link RoundVerdict}) in words as {@code verdictText}, {@code retrainingSpread} (the ± of
     * retraining alone) and {@code madeCurrent} (whether the new version became the project's
     * current one: not when it is worse than its parent).
     */
    public record Round(long id, long projectId, int number, String strategy, int batchSize, String feedback,
                        double lambda, int epochs, long modelId, Long trainingJobId, Long recomputeJobId,
                        Long trainedModelId, String state, int reviewedBefore, Integer reviewed, Integer masks,
                        Double testAccuracy, Double shortcutMass, String error, String startedBy,
                        OffsetDateTime createdAt, OffsetDateTime finishedAt, Integer modelVersion,
                        Integer trainedModelVersion, Double relianceDrop, Double relianceFlipRate,
                        Integer relianceRegions, Integer controls, Double parentAccuracy,
                        List<Double> controlAccuracies, String verdict, String verdictText, Double retrainingSpread,
                        Boolean madeCurrent) {
    }

    /** What a round's reviews have given so far: training samples judged under its model, and those with a shortcut mask. */
    public record Progress(int reviewed, int masks) {
    }

    /**
     * What a new round asks for; nulls take defaults (the project's strategy, 20, rrr, λ 1,000 on images
     * and 10 on rows, 2 epochs on images and 20 on rows, the project's current model,
     * {@code rationale.rounds.controls} control trainings).
     */
    public record StartRequest(String strategy, Integer batchSize, String feedback, Double lambda, Integer epochs,
                               Long modelId, Integer controls) {

        public StartRequest(String strategy, Integer batchSize, String feedback, Double lambda, Integer epochs,
                            Long modelId) {
            this(strategy, batchSize, feedback, lambda, epochs, modelId, null);
        }
    }

    /** Starts the next round of a project; 409 while another is open. */
    @Transactional
    public Round start(long projectId, Caller caller, StartRequest request) {
        StartRequest r = request == null ? new StartRequest(null, null, null, null, null, null, null) : request;
        // one start at a time per project, so the open-round check below holds
        store.lockRounds(projectId);
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
        // the request's own fields are checked first; the defaults of λ and epochs depend on the model's modality
        Feedback.Mode feedback = r.feedback() == null ? Feedback.Mode.RRR : Feedback.Mode.parse(r.feedback());
        if (r.lambda() != null && !(r.lambda() >= 0 && r.lambda() <= 1e7)) {
            throw new Invalid("Invalid lambda " + r.lambda(), "lambda must be between 0 and 10,000,000");
        }
        if (r.epochs() != null && (r.epochs() < 1 || r.epochs() > 20)) {
            throw new Invalid("Invalid epochs " + r.epochs(), "A round retrains for 1 to 20 epochs");
        }
        int controls = r.controls() == null ? config.rounds().controls() : r.controls();
        if (controls < 0 || controls > TrainingRequest.MAX_CONTROLS) {
            throw new Invalid("Invalid controls " + controls, "A round runs 0 to " + TrainingRequest.MAX_CONTROLS
                    + " control trainings (each costs one more training)");
        }
        ModelVersion model = r.modelId() != null
                ? models.find(r.modelId()).filter(m -> m.projectId == projectId)
                        .orElseThrow(() -> new Invalid("Unknown model " + r.modelId(), "Not a model of project " + projectId))
                : models.current(projectId)
                        .orElseThrow(() -> new Invalid("No model yet", "Train or upload a model before a round"));
        // rows: the marked features are held against every training row, where the images' λ overwhelms the
        // cross-entropy (RowFeedback.DEFAULT_LAMBDA), and the platform's MLP learns little in the CNN's 2 epochs
        boolean rows = ModelService.isTabular(model);
        double lambda = r.lambda() != null ? r.lambda() : rows ? RowFeedback.DEFAULT_LAMBDA : Feedback.DEFAULT_LAMBDA;
        int epochs = r.epochs() != null ? r.epochs() : rows ? TrainingRequest.ROW_EPOCHS : 2;
        if (scheduler.pool(projectId).isEmpty()) {
            throw new Invalid("Nothing to review", "The project has no training samples");
        }
        int number = store.nextNumber(projectId);
        int reviewedBefore = store.reviewedByRoundsBefore(projectId, number);
        long id = store.insert(new RoundStore.NewRound(projectId, number, strategy.value(), batch, feedback.value(),
                (float) lambda, epochs, model.id, caller.username(), reviewedBefore, controls));
        projects.setQueueStrategy(projectId, strategy.value());
        long job = recompute(projectId, model.id);
        store.setRecomputeJob(id, job);
        audit.record(caller.username(), "round.start", "round:" + id, projectId, AuditLog.details("number", number,
                "strategy", strategy.value(), "batchSize", batch, "feedback", feedback.value(), "lambda", lambda,
                "epochs", epochs, "modelId", model.id, "reviewedBefore", reviewedBefore, "recomputeJobId", job,
                "controls", controls));
        return find(projectId, number).orElseThrow();
    }

    /** Retrains after the reviews of a round: the training job takes every shortcut mask so far. */
    @Transactional
    public Round retrain(long projectId, int number, Caller caller) {
        store.lockRounds(projectId);
        Round round = find(projectId, number).orElseThrow(() -> NotFound.of("Round " + number));
        if (!round.state().equals("reviewing")) {
            throw new Conflict("Round " + number + " is " + round.state(),
                    "Only a round whose samples are being reviewed can be retrained");
        }
        ModelVersion model = models.find(round.modelId()).orElseThrow();
        // a model of rows retrains with the batch size and learning rate it was trained with, an uploaded one
        // with the rows' defaults (the platform's MLP learns little in a round's epochs at the CNN's 128 and 0.001)
        boolean rows = ModelService.isTabular(model);
        TrainingRequest parent = rows ? ModelService.trainedWith(model).orElse(null) : null;
        int batch = parent != null ? parent.batchSize() : rows ? TrainingRequest.ROW_BATCH_SIZE : 128;
        double learningRate = parent != null ? parent.learningRate() : rows ? TrainingRequest.ROW_LEARNING_RATE : 1e-3;
        // the controls retrain the same way with the masks painted before the round began
        long job = training.start(projectId, new TrainingRequest(model.name, "train", round.epochs(), batch, learningRate,
                (long) round.number(), round.feedback(), round.lambda(), round.id(),
                round.controls() == null ? config.rounds().controls() : round.controls(), round.createdAt()));
        Progress own = progress(round);
        store.training(round.id(), job, own.reviewed(), own.masks());
        Round now = find(projectId, number).orElseThrow();
        audit.record(caller.username(), "round.retrain", "round:" + round.id(), projectId, AuditLog.details("number", number,
                "trainingJobId", job, "reviewed", now.reviewed(), "masks", now.masks(), "feedback", round.feedback(),
                "lambda", round.lambda(), "epochs", round.epochs(), "controls", round.controls()));
        return now;
    }

    /**
     * Moves every open round whose job has ended one step on (a round about to rank its queue makes
     * the reliance tests of the ranking first, outside any transaction), then measures the reliance
     * of one done round's trained model (outside any transaction: hundreds of forward passes); called
     * by the conductor every few seconds.
     */
    public void advance() {
        for (long id : openRoundIds()) {
            try {
                advanceOne(id, testBeforeRanking(id));
            } catch (RuntimeException e) {
                LOG.errorf(e, "Round %d could not advance", id);
                // our own words are shown; a database or engine message (SQL, class names) is not
                fail(id, e instanceof IllegalStateException || e instanceof DomainError ? e.getMessage()
                        : "an internal error stopped the round (the server log has the details)");
            }
        }
        unmeasuredRoundIds().stream().filter(id -> relianceFailures.getOrDefault(id, 0) < RELIANCE_TRIES).findFirst()
                .ifPresent(this::measureReliance);
    }

    @Transactional
    List<Long> unmeasuredRoundIds() {
        return store.unmeasuredRoundIds();
    }

    /**
     * The trained model's mean reliance on the project's marked regions, stored with the round. A
     * measurement that fails is not stored as "no regions": the round stays unmeasured and is tried
     * again, at most {@link #RELIANCE_TRIES} times in this process.
     */
    void measureReliance(long id) {
        Round round = round(id);
        RelianceService.ModelReliance r;
        try {
            r = reliance.ofModel(round.trainedModelId(), null);
        } catch (NotFound e) {
            // the trained version is gone: nothing to measure
            recordReliance(round, null, 0);
            return;
        } catch (RuntimeException e) {
            int tries = relianceFailures.merge(id, 1, Integer::sum);
            LOG.warnf(e, "The reliance of round %d's model could not be measured (try %d of %d)", id, tries,
                    RELIANCE_TRIES);
            return;
        }
        // null: no painted mask and no known shortcut in the project
        RelianceService.Mean m = r == null ? null : r.headline();
        recordReliance(round, m, m == null ? 0 : r.regions());
    }

    @Transactional
    Round round(long id) {
        return store.round(id);
    }

    @Transactional
    void recordReliance(Round round, RelianceService.Mean m, int regions) {
        store.reliance(round.id(), m == null ? null : (float) m.drop(), m == null ? null : (float) m.flipRate(), regions);
        if (m != null) {
            audit.record("round.reliance", "round:" + round.id(), round.projectId(), AuditLog.details("number",
                    round.number(), "trainedModelId", round.trainedModelId(), "relianceDrop", m.drop(),
                    "relianceFlipRate", m.flipRate(), "regions", regions));
        }
    }

    @Transactional
    List<Long> openRoundIds() {
        return store.waitingRoundIds();
    }

    /**
     * The reliance tests the ranking of a round whose recomputation has ended wants, made now,
     * outside any transaction (seconds of forward passes), so that {@link #advanceOne} ranks in a
     * short transaction with their results; 0 when the round is not about to rank. How many were
     * tested goes into the ranking's audit event.
     */
    int testBeforeRanking(long id) {
        Round round = round(id);
        if (!round.state().equals("recomputing")) {
            return 0;
        }
        JobService.JobSummary job = round.recomputeJobId() == null ? null : jobs.job(round.recomputeJobId()).orElse(null);
        if (job == null || !job.state().ended() || job.itemsDone() == 0) {
            return 0;
        }
        long model = round.trainedModelId() == null ? round.modelId() : round.trainedModelId();
        return scheduler.testReliance(round.projectId(), model, Strategy.parse(round.strategy()),
                scheduler.settings(round.projectId()).weights());
    }

    @Transactional
    void advanceOne(long id, int relianceTested) {
        Round round = store.lockRound(id);
        long projectId = round.projectId();
        if (round.state().equals("training")) {
            JobService.JobSummary job = jobs.job(round.trainingJobId()).orElseThrow();
            if (job.state() == JobState.SUCCEEDED) {
                long trained = ((Number) job.result().get("modelId")).longValue();
                long recompute = recompute(projectId, trained);
                Double test = testAccuracy(job.result());
                Double parent = number(job.result().get("parentAccuracy"));
                List<Double> controls = numbers(job.result().get("controlAccuracies"));
                RoundVerdict verdict = RoundVerdict.of(parent, test, controls);
                // made current only over the version the round retrained: an engineer's choice meanwhile stands
                boolean parentIsCurrent = models.current(projectId).map(v -> v.id.equals(round.modelId())).orElse(true);
                boolean current = verdict.keepsUp() && parentIsCurrent;
                store.trained(id, new RoundStore.Trained(trained, recompute, test, parent, controls, verdict.code(), current));
                audit.record("round.trained", "round:" + id, projectId, AuditLog.details("number", round.number(),
                        "trainedModelId", trained, "testAccuracy", test, "parentModelId", round.modelId(),
                        "parentAccuracy", parent, "controlAccuracies", controls, "verdict", verdict.code(),
                        "verdictText", verdict.words(), "madeCurrent", current, "recomputeJobId", recompute));
                if (current) {
                    models.choose(projectId, trained, AuditLog.SYSTEM, "round " + round.number() + ": " + verdict.words());
                } else {
                    LOG.warnf("Round %d of project %d retrained a version %s; the project keeps its current version%s",
                            round.number(), projectId, verdict.words(),
                            parentIsCurrent ? "" : " (another version was made current during the round)");
                }
            } else if (job.state().ended()) {
                throw new IllegalStateException("training job " + job.id() + " " + job.state().value()
                        + (job.error() == null ? "" : ": " + job.error()));
            }
        } else if (round.state().equals("recomputing")) {
            JobService.JobSummary job = jobs.job(round.recomputeJobId()).orElseThrow();
            if (!job.state().ended()) {
                return;
            }
            if (job.itemsDone() == 0) {
                throw new IllegalStateException("recomputing job " + job.id() + " computed nothing: " + job.error());
            }
            Settings settings = new Settings(scheduler.settings(projectId).weights(), round.batchSize(),
                    Strategy.parse(round.strategy()));
            if (round.trainedModelId() == null) {
                // evidence for the reviewed model is ready: rank the pool, reviews can begin
                scheduler.rank(projectId, round.modelId(), settings.strategy(), settings.weights(), settings.batch(), 1,
                        relianceTested);
                store.reviewing(id);
                // samples still held from earlier reviews must not come before the round's queue
                reviewQueue.releaseReservations(projectId);
                audit.record("round.reviewing", "round:" + id, projectId, AuditLog.details("number", round.number(),
                        "modelId", round.modelId(), "strategy", settings.strategy().value()));
            } else {
                long trained = round.trainedModelId();
                scheduler.rank(projectId, trained, settings.strategy(), settings.weights(), settings.batch(), 1, relianceTested);
                Double mass = shortcutMass(projectId, trained);
                store.done(id, mass == null ? null : mass.floatValue());
                audit.record("round.done", "round:" + id, projectId, AuditLog.details("number", round.number(),
                        "trainedModelId", trained, "shortcutMass", mass));
                LOG.infof("Round %d of project %d done: model %d", round.number(), projectId, trained);
            }
        }
    }

    private record Settings(Weights weights, int batch, Strategy strategy) {
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    void fail(long id, String error) {
        if (store.fail(id, error == null ? "unknown error" : error)) {
            Round r = store.round(id);
            audit.record("round.failed", "round:" + id, r.projectId(), AuditLog.details("number", r.number(),
                    "error", error));
        }
    }


    private static Double testAccuracy(Map<String, Object> result) {
        if (result != null && result.get("accuracy") instanceof Map<?, ?> acc && acc.get("test") instanceof Number n) {
            return n.doubleValue();
        }
        return null;
    }

    private static Double number(Object value) {
        return value instanceof Number n ? n.doubleValue() : null;
    }

    private static List<Double> numbers(Object value) {
        List<Double> out = new ArrayList<>();
        if (value instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Number n) {
                    out.add(n.doubleValue());
                }
            }
        }
        return out;
    }

    /** Queues predictions and maps of the project's queue method for the pool under a model. */
    private long recompute(long projectId, long modelId) {
        SchedulerService.Settings s = scheduler.settings(projectId);
        return jobs.submit(JobRequest.saliency(modelId, List.of(new JobRequest.MethodRequest(s.method(), Map.of())),
                new SampleSelection.Ids(scheduler.pool(projectId)), "predicted", 5));
    }

    /**
     * Mean share of the map's magnitude on known shortcuts, over the pool samples that have one: the
     * box recorded with the dataset (as in the demo) or else a {@code shortcut} mask painted by an expert.
     */
    Double shortcutMass(long projectId, long modelId) {
        String method = scheduler.settings(projectId).method();
        List<MapStore.MapOnShortcut> rows = maps.mapsOnShortcuts(modelId, method, scheduler.pool(projectId));
        // the box and the masks are in the image's pixels (a row's mask in its dataset's columns), the
        // maps on the model's grid (a row's one value per model feature)
        MaskOnMap onMap = scheduler.maskOnMap(modelId);
        Map<Long, Sample> images = scheduler.samplesById(rows.stream().map(r -> r.map().sampleId()).toList());
        double sum = 0;
        int counted = 0;
        for (MapStore.MapOnShortcut r : rows) {
            MapStore.EncodedMap m = r.map();
            Sample image = images.get(m.sampleId());
            if (image == null) {
                continue;
            }
            int w = image.width;
            int h = image.height;
            byte[] mask;
            if (r.boxX() != null) {
                mask = new byte[w * h];
                for (int y = Math.max(0, r.boxY()); y < Math.min(h, r.boxY() + r.boxHeight()); y++) {
                    for (int x = Math.max(0, r.boxX()); x < Math.min(w, r.boxX() + r.boxWidth()); x++) {
                        mask[y * w + x] = 1;
                    }
                }
            } else {
                mask = r.paintedMask();
            }
            byte[] onGrid = onMap.of(mask, image);
            if (onGrid == null || onGrid.length != m.width() * m.height()) {
                continue;
            }
            float[] magnitude = SchedulerService.magnitude(m.encoding(), m.data(), m.width(), m.height(), m.channels());
            sum += Localisation.massInside(magnitude, onGrid);
            counted++;
        }
        return counted == 0 ? null : sum / counted;
    }

    /**
     * What a round's reviews have given so far: its model's verdicts on training samples since it
     * started (verdicts on test samples, on other models or from before do not count).
     */
    @Transactional
    public Progress progress(Round round) {
        ReviewStore.SplitReviews r = reviews.splitReviews(round.projectId(), round.modelId(), Split.TRAIN,
                round.createdAt());
        return new Progress(r.reviewed(), r.masks());
    }

    @Transactional
    public List<Round> list(long projectId) {
        return store.list(projectId);
    }

    @Transactional
    public Optional<Round> find(long projectId, int number) {
        return store.find(projectId, number);
    }

    @Transactional
    public Optional<Round> open(long projectId) {
        return store.open(projectId);
    }
}
