package org.rationale.scheduler;

import org.rationale.config.Json;
import org.rationale.error.Invalid;
import org.rationale.error.NotFound;
import org.rationale.error.Conflict;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;
import org.rationale.audit.AuditLog;
import org.rationale.config.RationaleConfig;
import org.rationale.error.DomainError;
import org.rationale.dataset.Sample;
import org.rationale.dataset.SampleStore;
import org.rationale.model.InputSpec;
import org.rationale.model.ModelService;
import org.rationale.model.ModelVersion;
import org.rationale.model.PredictionStore;
import org.rationale.model.TableEncoding;
import org.rationale.project.ProjectStore;
import org.rationale.review.RelianceService;
import org.rationale.review.ReviewStore;
import org.rationale.saliency.AttributionMethods;
import org.rationale.saliency.MapEncoding;
import org.rationale.saliency.MapRendering;
import org.rationale.saliency.MapStore;
import org.rationale.saliency.RegionReliance;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The review queue of a project: which training samples experts see next, and why. Candidates
 * are a fixed, seeded pool of the project's training samples (the project's {@code queue_pool});
 * their evidence is what the platform knows for one model version (predictions, the maps of the
 * project's queue method, the masks experts painted). A ranking is stored with its score breakdown,
 * and the review session hands samples out in its order. Where a candidate's map says little about
 * the regions experts marked as shortcuts elsewhere, a ranking tests them on it by intervention
 * (the regions replaced, {@link RelianceService#onGrid}): for at most
 * {@code rationale.reliance.queue-candidates} of the best placed such candidates, remembered per
 * model version and regions ({@link InterventionCache}).
 */
@ApplicationScoped
public class SchedulerService {

    private static final Logger LOG = Logger.getLogger(SchedulerService.class);
    private static final ObjectMapper JSON = Json.MAPPER;
    /** Most candidates {@code rationale.reliance.queue-candidates} may allow. */
    public static final int MOST_TESTED = 1000;
    /** Places stored per ranking: the review queue beyond them falls back to id order. */
    public static final int STORED = 5000;

    private final RoundStore store;
    private final AttributionMethods methods;
    private final AuditLog audit;
    private final ProjectStore projects;
    private final SampleStore samples;
    private final PredictionStore predictions;
    private final MapStore maps;
    private final ReviewStore reviews;
    private final ModelService models;
    private final RelianceService reliance;
    private final InterventionCache tested;
    private final RationaleConfig config;

    SchedulerService(RoundStore store, AttributionMethods methods, AuditLog audit, ProjectStore projects,
                     SampleStore samples, PredictionStore predictions, MapStore maps, ReviewStore reviews,
                     ModelService models, RelianceService reliance, InterventionCache tested, RationaleConfig config) {
        this.models = models;
        this.reliance = reliance;
        this.tested = tested;
        this.config = config;
        this.store = store;
        this.methods = methods;
        this.audit = audit;
        this.projects = projects;
        this.samples = samples;
        this.predictions = predictions;
        this.maps = maps;
        this.reviews = reviews;
    }

    /** How a project's queue is ordered. */
    public record Settings(Strategy strategy, Weights weights, String method, int pool) {
    }

    /** One place of a stored queue, as the API returns it. */
    public record QueueEntry(long sampleId, int position, double score, Map<String, Double> components) {
    }

    /**
     * The evidence the scores of a model's queue rest on: the candidates, how many of them have a
     * prediction and a map of the queue's method under the model, and the shortcut masks experts
     * painted in the project. Scores are 0 where it is missing.
     */
    public record Evidence(String method, int candidates, int predicted, int mapped, int shortcutMasks) {
    }

    /** Why a sample was handed out: the strategy, its place and the score's parts. */
    public record Reason(String strategy, int position, double score, Map<String, Double> components) {
    }

    /** A setting out of range stops the start with words, instead of every ranking failing later. */
    void onStart(@Observes StartupEvent event) {
        int n = config.reliance().queueCandidates();
        if (n < 0 || n > MOST_TESTED) {
            throw new IllegalStateException("rationale.reliance.queue-candidates is " + n + "; it must be 0 to "
                    + MOST_TESTED);
        }
    }

    @Transactional
    public Settings settings(long projectId) {
        ProjectStore.ReviewSettings r = projects.reviewSettings(projectId)
                .orElseThrow(() -> NotFound.of("Project " + projectId));
        return new Settings(Strategy.parse(r.queueStrategy()), weights(r.queueWeights()), r.queueMethod(), r.queuePool());
    }

    /** Changes the queue settings (null keeps a value); the weights are checked, the method must exist. */
    @Transactional
    public Settings configure(long projectId, String strategy, Weights weights, String method, Integer pool) {
        Settings now = settings(projectId);
        Strategy s = strategy == null ? now.strategy() : Strategy.parse(strategy);
        Weights w = weights == null ? now.weights() : weights;
        String m = method == null ? now.method() : methods.get(method).name();
        int p = pool == null ? now.pool() : pool;
        if (p < 10 || p > 1_000_000) {
            throw new Invalid("Invalid pool " + p, "The candidate pool holds 10 to 1,000,000 samples");
        }
        projects.setQueue(projectId, s.value(), json(w), m, p);
        Settings changed = new Settings(s, w, m, p);
        audit.record("queue.settings", "project:" + projectId, projectId, AuditLog.details(
                "settings", changed, "previous", now));
        return changed;
    }

    /** The candidate pool: the project's training samples in a fixed pseudo-random order, the first {@code pool} of them. */
    @Transactional
    public List<Long> pool(long projectId) {
        return samples.trainingPool(projectId, settings(projectId).pool());
    }

    /**
     * Ranks the pool for a model version by a strategy and stores the ranking (replacing the
     * previous one of that strategy); returns the first {@code limit} places. The reliance tests the
     * ranking wants (forward passes: seconds) run first, outside any transaction
     * ({@link #testReliance(long, long, Strategy, Weights)}); the ranking is then read and stored in
     * one short transaction.
     *
     * @throws IllegalStateException when called inside a transaction (the tests would hold it)
     */
    public List<QueueEntry> rerank(long projectId, long modelId, Strategy strategy, Weights weights, int batch, int limit) {
        checkBatch(batch);
        checkLimit(limit);
        int newlyTested = testReliance(projectId, modelId, strategy, weights);
        return rank(projectId, modelId, strategy, weights, batch, limit, newlyTested);
    }

    /**
     * Ranks the pool for a model version with the reliance tests already made (remembered in the
     * {@link InterventionCache}; none is made here) and stores the ranking, in the caller's
     * transaction or a new one; {@code newlyTested} goes into the audit event.
     */
    @Transactional
    List<QueueEntry> rank(long projectId, long modelId, Strategy strategy, Weights weights, int batch, int limit,
                          int newlyTested) {
        checkBatch(batch);
        checkLimit(limit);
        Settings settings = settings(projectId);
        Pool pool = table(projectId, modelId, settings.method());
        ScoreTable table = pool.table();
        List<QueueRanker.Ranked> ranked = QueueRanker.rank(table, strategy, weights, batch, seed(modelId),
                Math.min(STORED, table.size()));
        List<RoundStore.QueueRow> rows = new ArrayList<>(ranked.size());
        List<QueueEntry> out = new ArrayList<>();
        for (QueueRanker.Ranked r : ranked) {
            int position = rows.size();
            rows.add(new RoundStore.QueueRow(r.sampleId(), position, r.score(), json(r.components())));
            if (position < limit) {
                out.add(new QueueEntry(r.sampleId(), position, r.score(), r.components()));
            }
        }
        store.replaceQueue(projectId, modelId, strategy.value(), rows);
        audit.record("queue.rank", "project:" + projectId, projectId, AuditLog.details(
                "modelId", modelId, "strategy", strategy.value(), "weights", weights, "batchSize", batch,
                "candidates", table.size(), "markedRegions", pool.regions().size(), "relianceTested", newlyTested,
                "stored", ranked.size(), "first", ranked.stream().limit(batch)
                        .map(r -> AuditLog.details("sampleId", r.sampleId(), "score", r.score()))
                        .toList()));
        return out;
    }

    /**
     * The stored ranking of a strategy for a model version; a 409 naming the call that ranks when
     * there is none (reading never ranks: ranking stores and audits).
     */
    @Transactional
    public List<QueueEntry> queue(long projectId, long modelId, Strategy strategy, int limit) {
        checkLimit(limit);
        List<RoundStore.QueueRow> rows = store.queue(projectId, modelId, strategy.value(), limit);
        if (rows.isEmpty()) {
            throw new Conflict("No ranking yet", "The " + strategy.value() + " queue of model " + modelId
                    + " has not been ranked: POST /api/projects/" + projectId + "/queue/rerank with {\"strategy\": \""
                    + strategy.value() + "\", \"modelId\": " + modelId + "} (or start a round) ranks it");
        }
        return rows.stream().map(r -> new QueueEntry(r.sampleId(), r.position(), r.score(), components(r.components())))
                .toList();
    }

    /** What the scores of a model's queue rest on (counts only; reads, never ranks). */
    @Transactional
    public Evidence evidence(long projectId, long modelId) {
        Settings s = settings(projectId);
        List<Long> pool = pool(projectId);
        if (pool.isEmpty()) {
            return new Evidence(s.method(), 0, 0, 0, reviews.shortcutMasks(projectId));
        }
        return new Evidence(s.method(), pool.size(), predictions.countPredicted(modelId, pool),
                maps.countMapped(modelId, s.method(), pool), reviews.shortcutMasks(projectId));
    }

    /** Why a sample stands where it does in the project's current queue for a model, if it is in it. */
    @Transactional
    public Optional<Reason> why(long projectId, long modelId, long sampleId) {
        String strategy = settings(projectId).strategy().value();
        return store.placeOf(projectId, modelId, strategy, sampleId).map(r -> reason(strategy, r));
    }

    /**
     * Why each of the given samples was in front of its reviewers: its place in the stored queue of
     * a strategy (null: the project's) under each model version. Keyed by model id, then sample id.
     */
    @Transactional
    public Map<Long, Map<Long, Reason>> reasons(long projectId, String strategy, Map<Long, ? extends Collection<Long>>
            samplesByModel) {
        String st = strategy == null ? settings(projectId).strategy().value() : Strategy.parse(strategy).value();
        Map<Long, Map<Long, Reason>> out = new HashMap<>();
        for (var e : samplesByModel.entrySet()) {
            Map<Long, Reason> bySample = new HashMap<>();
            for (RoundStore.QueueRow r : store.placesOf(projectId, e.getKey(), st, e.getValue())) {
                bySample.put(r.sampleId(), reason(st, r));
            }
            out.put(e.getKey(), bySample);
        }
        return out;
    }

    private static Reason reason(String strategy, RoundStore.QueueRow r) {
        return new Reason(strategy, r.position(), r.score(), components(r.components()));
    }

    /**
     * Makes the reliance tests a ranking of this strategy wants (see
     * {@link #testReliance(long, Pool, Strategy, Weights, long)}) outside any transaction: the pool
     * is read in a short one, then the model runs with no connection or transaction held (a
     * transaction held for seconds of forward passes would tie up a connection and could time out).
     * The results go to the {@link InterventionCache}, where the ranking that follows finds them.
     * Returns how many samples were tested.
     *
     * @throws IllegalStateException when called inside a transaction
     */
    int testReliance(long projectId, long modelId, Strategy strategy, Weights weights) {
        if (QuarkusTransaction.isActive()) {
            throw new IllegalStateException("reliance tests run a model for seconds and must not hold a transaction: "
                    + "make them before it (SchedulerService.testReliance), then rank in it");
        }
        if (config.reliance().queueCandidates() == 0 || !scoresDisagreement(strategy, weights)) {
            return 0;
        }
        return testReliance(modelId, scored(projectId, modelId), strategy, weights, seed(modelId));
    }

    /** The pool scored under a model version, read in one short transaction. */
    @Transactional
    Pool scored(long projectId, long modelId) {
        return table(projectId, modelId, settings(projectId).method());
    }

    private static boolean scoresDisagreement(Strategy strategy, Weights weights) {
        return strategy == Strategy.DISAGREEMENT
                || strategy == Strategy.HYBRID && (weights.disagreement() > 0 || weights.redFlag() > 0);
    }

    /** The seed of a model version's rankings: a ranking and its tests break ties alike. */
    private static long seed(long modelId) {
        return modelId * 7919L;
    }

    /** The scored pool and the regions experts marked as shortcuts, on the model's grid. */
    record Pool(ScoreTable table, MarkedRegions regions) {
    }

    /**
     * Tests the marked regions by intervention on the best placed unannotated candidates whose maps
     * say little about them (at most {@code rationale.reliance.queue-candidates} not yet tested under
     * this model and these regions), in the order the strategy ranks them before the test; the tests
     * go into the table and the cache. Strategies that do not score disagreement test nothing. A
     * model that cannot be run stops the tests, not the ranking. Returns how many were tested.
     */
    int testReliance(long modelId, Pool pool, Strategy strategy, Weights weights, long seed) {
        int most = config.reliance().queueCandidates();
        ScoreTable t = pool.table();
        if (most == 0 || pool.regions().isEmpty() || !scoresDisagreement(strategy, weights)) {
            return 0;
        }
        float[] scores = new float[t.size()];
        int open = 0;
        for (int i = 0; i < t.size(); i++) {
            if (t.weakRegions[i] != 0 && Float.isNaN(t.reliance[i])) {
                // in (0, 1], so that an open candidate with a zero score still comes before the others
                scores[i] = (float) (0.5 + 0.5 * QueueRanker.score(t, i, strategy, weights, seed));
                open++;
            }
        }
        if (open == 0) {
            return 0;
        }
        List<Integer> chosen = new ArrayList<>();
        for (int i : QueueRanker.topIndices(scores, Math.min(open, most))) {
            if (scores[i] > 0) {
                chosen.add(i);
            }
        }
        ModelVersion v = models.version(modelId).orElseThrow(() -> NotFound.of("Model " + modelId));
        Map<Long, Sample> images = samplesById(chosen.stream().map(t::id).toList());
        int done = 0;
        for (int i : chosen) {
            Sample s = images.get(t.id(i));
            if (s == null) {
                continue;
            }
            double flipRate = -1;
            double drop = 0;
            for (int r = 0; r < pool.regions().size(); r++) {
                if ((t.weakRegions[i] & (1 << r)) == 0) {
                    continue;
                }
                RegionReliance.Figures f;
                try {
                    f = headline(reliance.onGrid(s, v, pool.regions().region(r), null, null));
                } catch (DomainError e) {
                    // a region this sample cannot be tested on (the model refuses it): the others still are
                    continue;
                } catch (RuntimeException e) {
                    LOG.warnf(e, "Model %s could not be run to test marked regions on sample %d; the ranking goes on "
                            + "without more tests", v.label(), s.id);
                    return done;
                }
                if (f.flipRate() > flipRate || f.flipRate() == flipRate && f.drop() > drop) {
                    flipRate = f.flipRate();
                    drop = f.drop();
                }
            }
            if (flipRate >= 0) {
                t.setReliance(i, flipRate, drop);
                tested.put(modelId, pool.regions(), s.id, new InterventionCache.Tested(flipRate, drop, t.weakRegions[i]));
                done++;
            }
        }
        return done;
    }

    /** The figures a test is judged by: pasted from other classes, else the dataset's mean, else the first. */
    private static RegionReliance.Figures headline(RelianceService.SampleReliance r) {
        RegionReliance.Figures f = r.of(RegionReliance.OTHER_CLASSES);
        if (f == null) {
            f = r.of(RegionReliance.MEAN);
        }
        return f == null ? r.figures().get(0) : f;
    }

    /**
     * The evidence of the pool under a model: predictions, |map| per pixel of the queue method, masks,
     * the marked regions each map says little about and the reliance tests already made on them.
     */
    Pool table(long projectId, long modelId, String method) {
        List<Long> pool = pool(projectId);
        if (pool.isEmpty()) {
            throw new Invalid("Nothing to rank", "Project " + projectId + " has no training samples");
        }
        Map<Long, float[]> probabilities = predictions.probabilities(modelId, pool);
        Map<Long, float[]> maps = new HashMap<>();
        int[] size = {0, 0};
        for (MapStore.EncodedMap m : this.maps.latestMaps(modelId, method, pool)) {
            maps.put(m.sampleId(), magnitude(m.encoding(), m.data(), m.width(), m.height(), m.channels()));
            size[0] = m.width();
            size[1] = m.height();
        }
        // masks are painted in the image's pixels (a row's in its dataset's columns), maps are on
        // the model's grid (a row's one value per model feature): masks go onto the maps
        MaskOnMap onMap = maskOnMap(modelId);
        List<ReviewStore.PaintedMask> painted = reviews.paintedMasks(projectId);
        Map<Long, Sample> images = samplesById(painted.stream().map(ReviewStore.PaintedMask::sampleId).toList());
        Map<Long, byte[][]> masks = new HashMap<>();
        for (ReviewStore.PaintedMask a : painted) {
            byte[] onGrid = onMap.of(a.mask(), images.get(a.sampleId()));
            if (onGrid != null) {
                byte[][] m = masks.computeIfAbsent(a.sampleId(), k -> new byte[2][]);
                m["relevant".equals(a.kind()) ? 0 : 1] = onGrid;
            }
        }
        List<SampleEvidence> evidence = new ArrayList<>(pool.size());
        for (long id : pool) {
            byte[][] m = masks.getOrDefault(id, new byte[2][]);
            evidence.add(new SampleEvidence(id, probabilities.get(id), maps.get(id), m[0], m[1]));
        }
        // annotated samples outside the pool still teach the prior where shortcuts sit
        List<SampleEvidence> teachers = new ArrayList<>(evidence);
        for (var e : masks.entrySet()) {
            if (!maps.containsKey(e.getKey())) {
                teachers.add(new SampleEvidence(e.getKey(), null, null, e.getValue()[0], e.getValue()[1]));
            }
        }
        ShortcutPrior prior = ShortcutPrior.of(teachers.stream().filter(SampleEvidence::annotated).toList(),
                size[0] * size[1]);
        List<byte[]> shortcuts = new ArrayList<>();
        for (byte[][] m : masks.values()) {
            if (m[1] != null) {
                shortcuts.add(m[1]);
            }
        }
        MarkedRegions regions = onMap.regions(shortcuts);
        Map<Long, InterventionCache.Tested> known = regions.isEmpty() ? Map.of() : tested.known(modelId, regions);
        ScoreTable t = new ScoreTable(evidence.size());
        for (int i = 0; i < evidence.size(); i++) {
            SampleEvidence e = evidence.get(i);
            t.set(i, e, prior, size[0], size[1]);
            if (!e.annotated() && t.hasMap[i]) {
                t.weakRegions[i] = regions.weakIn(e.map());
                InterventionCache.Tested done = t.weakRegions[i] == 0 ? null : known.get(e.sampleId());
                if (done != null && done.regions() == t.weakRegions[i]) {
                    t.setReliance(i, done.flipRate(), done.drop());
                }
            }
        }
        return new Pool(t, regions);
    }

    /** How experts' masks line up with a model version's maps (an image's grid, a row's features). */
    MaskOnMap maskOnMap(long modelId) {
        ModelVersion v = models.version(modelId).orElseThrow(() -> NotFound.of("Model " + modelId));
        List<String> features = models.tableEncoding(v).map(TableEncoding::features).orElse(null);
        return new MaskOnMap(models.spec(v), features, samples);
    }

    /** The samples with these ids that exist, by id (their image sizes place masks on the model's grid). */
    Map<Long, Sample> samplesById(Collection<Long> ids) {
        Map<Long, Sample> out = new HashMap<>();
        for (Sample s : samples.samples(ids.stream().distinct().toList())) {
            out.put(s.id, s);
        }
        return out;
    }

    /**
     * A mask in its sample's image pixels on the model's grid, through the model's fit (see
     * {@link InputSpec#maskOnGrid}); null when the sample is gone or the mask is not of its size.
     */
    static byte[] onModelGrid(InputSpec spec, byte[] mask, Sample image) {
        if (mask == null || image == null || mask.length != image.width * image.height) {
            return null;
        }
        return spec.maskOnGrid(mask, image.width, image.height);
    }

    /**
     * A stored map as the scheduler reads it: |attribution| per pixel, the value the review draws
     * ({@link MapRendering#sumChannels}: a stored plane as it is, the channels of a map stored with
     * all of them summed first), so maps stored as planes and as C×H×W measure alike.
     */
    static float[] magnitude(String encoding, byte[] data, int w, int h, int c) {
        float[] magnitude = MapRendering.sumChannels(MapEncoding.decode(encoding, data, w * h * c), c, w * h);
        for (int p = 0; p < magnitude.length; p++) {
            magnitude[p] = Math.abs(magnitude[p]);
        }
        return magnitude;
    }

    private static Weights weights(String json) {
        if (json == null || json.isBlank()) {
            return Weights.DEFAULT;
        }
        try {
            Map<String, Double> m = JSON.readValue(json, new TypeReference<Map<String, Double>>() { });
            return Weights.of(m.get("disagreement"), m.get("uncertainty"), m.get("redFlag"), m.get("diversity"));
        } catch (JsonProcessingException e) {
            return Weights.DEFAULT;
        }
    }

    private static Map<String, Double> components(String json) {
        try {
            return JSON.readValue(json, new TypeReference<LinkedHashMap<String, Double>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored score breakdown is not JSON: " + json, e);
        }
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void checkBatch(int batch) {
        if (batch < 1 || batch > 1000) {
            throw new Invalid("Invalid batchSize " + batch, "Between 1 and 1,000");
        }
    }

    private static void checkLimit(int limit) {
        if (limit < 1 || limit > STORED) {
            throw new Invalid("Invalid limit " + limit, "Between 1 and " + STORED);
        }
    }
}
