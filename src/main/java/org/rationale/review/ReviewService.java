package org.rationale.review;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import org.rationale.audit.AuditChain;
import org.rationale.audit.AuditLog;
import org.rationale.dataset.DatasetService;
import org.rationale.dataset.FeatureSet;
import org.rationale.dataset.Sample;
import org.rationale.dataset.SampleStore;
import org.rationale.dataset.TableColumn;
import org.rationale.error.Conflict;
import org.rationale.error.Invalid;
import org.rationale.error.NotFound;
import org.rationale.saliency.MapStore;
import org.rationale.security.Caller;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The rules of expert judgement. A verdict judges one stored map (so one model version and one
 * method) that was handed to its reviewer (drawn by their review page, or answered by the next-sample
 * call), and can be changed or undone; a reviewer may not judge a sample that the project's overlap
 * has handed to others ({@link ReviewQueue}), and a change made on a stale version is refused: nobody
 * overwrites anybody silently. Annotation masks (what should matter, what must not) belong to the
 * sample, follow the same overlap rule and are version-checked the same way. Also the progress and
 * the agreement of a project's review.
 */
@ApplicationScoped
public class ReviewService {

    /** Kinds of annotation mask. */
    public static final List<String> KINDS = List.of("relevant", "shortcut");

    private final ReviewStore store;
    private final ReviewQueue queue;
    private final SampleStore samples;
    private final MapStore maps;
    private final Event<ReviewChanged> changes;
    private final AuditLog audit;
    private final DatasetService datasets;

    ReviewService(ReviewStore store, ReviewQueue queue, SampleStore samples, MapStore maps, Event<ReviewChanged> changes,
                  AuditLog audit, DatasetService datasets) {
        this.datasets = datasets;
        this.store = store;
        this.queue = queue;
        this.samples = samples;
        this.maps = maps;
        this.changes = changes;
        this.audit = audit;
    }

    /** A verdict as stored. */
    public record Review(long id, long sampleId, long saliencyMapId, long modelId, String method, String reviewer,
                         Verdict verdict, String comment, int version, OffsetDateTime updatedAt) {
    }

    /** An annotation mask of a sample: one byte per pixel (0/1), row by row. */
    public record Annotation(long id, long sampleId, String kind, int width, int height, int pixels, byte[] mask,
                             int version, String author, OffsetDateTime updatedAt) {
    }

    /** How far a project's review has come, for one model. */
    public record Progress(long samples, long reviewedByMe, long reviewedByAnyone, long verdicts, long reservedNow) {
    }

    /** The next sample for the caller, as {@link ReviewQueue#next} hands it out. */
    public Optional<Long> next(long projectId, Caller caller, long modelId, String split, List<Long> skip) {
        return queue.next(projectId, caller, modelId, split, skip);
    }

    /** Records that a map was handed to the caller, as {@link ReviewQueue#handOut} does. */
    public void handOut(Caller caller, long sampleId, long mapId) {
        queue.handOut(caller, sampleId, mapId);
    }

    /**
     * Records (or changes) the caller's verdict on a stored map. {@code expectedVersion} is the
     * version the caller saw (null: they saw none); a different stored version is a 409.
     */
    @Transactional
    public Review verdict(Caller caller, long sampleId, Long mapId, String verdict, String comment, Integer expectedVersion) {
        if (mapId == null) {
            throw new Invalid("Missing saliencyMapId", "A verdict judges one stored map: give its id");
        }
        Verdict v = Verdict.parse(verdict);
        if (comment != null && comment.length() > 4000) {
            throw new Invalid("Comment too long", "At most 4,000 characters");
        }
        MapStore.MapOwner map = maps.ownerOf(mapId).orElseThrow(() -> NotFound.of("Saliency map " + mapId));
        if (map.sampleId() != sampleId) {
            throw new Invalid("Map of another sample", "Map " + mapId + " is not a map of sample " + sampleId);
        }
        long modelId = map.modelId();
        long projectId = map.projectId();
        long user = queue.userId(caller);
        // serialise verdicts on one sample: the overlap check below must see the other reviewers' rows
        store.lockSample(sampleId);
        queue.requireTurn(projectId, sampleId, user, modelId);
        OffsetDateTime handedAt = store.handedAt(mapId, user).orElseThrow(() -> new Conflict("Map not handed to you",
                "Map " + mapId + " of sample " + sampleId + " was never shown to you: a verdict judges a map the "
                        + "review page drew for you or that POST /api/projects/" + projectId + "/review/next handed you"));
        String text = comment == null || comment.isBlank() ? null : comment.strip();
        Optional<ReviewStore.StoredVerdict> existing = store.storedVerdict(mapId, user);
        if (existing.isEmpty()) {
            if (expectedVersion != null && expectedVersion != 0) {
                throw new Conflict("Verdict changed meanwhile", "Your verdict on this map was undone in "
                        + "another window; reload the sample");
            }
            store.insertVerdict(mapId, user, v, text, sampleId, modelId, projectId);
        } else {
            int version = existing.get().version();
            // "saw none" (null or 0) against a stored verdict is as stale as an old version: another window made it
            if (expectedVersion == null || expectedVersion != version) {
                throw new Conflict("Verdict changed meanwhile", "Your verdict on this map is at version "
                        + version + ", you saw " + (expectedVersion == null || expectedVersion == 0 ? "none"
                        : "version " + expectedVersion) + " (another window?); reload the sample");
            }
            store.updateVerdict(existing.get().id(), v, text);
        }
        store.release(sampleId, user);
        Review saved = store.verdictOn(mapId, user).orElseThrow();
        audit.record(caller.username(), "review.verdict", "review:" + saved.id(), projectId, AuditLog.details(
                "sampleId", sampleId, "saliencyMapId", mapId, "modelId", modelId, "method", saved.method(),
                "verdict", v.value(), "comment", text, "version", saved.version(),
                "handedAt", String.valueOf(handedAt),
                "previousVerdict", existing.map(e -> e.verdict().value()).orElse(null),
                "previousComment", existing.map(ReviewStore.StoredVerdict::comment).orElse(null)));
        changes.fire(new ReviewChanged(projectId));
        return saved;
    }

    /**
     * Undoes the caller's most recent verdict in a project: removed, and the sample reserved for
     * them again. Returns the review undone; empty when there is none.
     */
    @Transactional
    public Optional<Review> undoLast(Caller caller, long projectId) {
        long user = queue.userId(caller);
        Optional<Review> last = store.lastVerdictOf(projectId, user);
        if (last.isEmpty()) {
            return Optional.empty();
        }
        Review r = last.get();
        store.deleteVerdict(r.id());
        audit.record(caller.username(), "review.undo", "review:" + r.id(), projectId, AuditLog.details(
                "sampleId", r.sampleId(), "saliencyMapId", r.saliencyMapId(), "modelId", r.modelId(),
                "verdict", r.verdict().value(), "version", r.version()));
        queue.reserveAgain(projectId, r.sampleId(), user);
        changes.fire(new ReviewChanged(projectId));
        return Optional.of(r);
    }

    /** Samples at most in {@link #recent}. */
    public static final int RECENT = 100;

    /**
     * The caller's latest verdict on each sample they judged in a project under a model version,
     * the most recently changed first, at most {@code limit} (1 to {@link #RECENT}) samples.
     */
    @Transactional
    public List<Review> recent(Caller caller, long projectId, long modelId, int limit) {
        if (limit < 1 || limit > RECENT) {
            throw new Invalid("Invalid limit " + limit, "Between 1 and " + RECENT + " samples");
        }
        return store.recentVerdictsOf(projectId, queue.userId(caller), modelId, limit);
    }

    /** Which of the given samples (at most 1,000) have at least one verdict under a model version. */
    @Transactional
    public List<Long> judgedAmong(long modelId, Collection<Long> sampleIds) {
        if (sampleIds.size() > 1000) {
            throw new Invalid("Too many samples", "At most 1,000 samples at a time");
        }
        return sampleIds.isEmpty() ? List.of() : store.judgedAmong(modelId, sampleIds);
    }

    /**
     * Ends the caller's reservation of a sample without a verdict (the review page handed it out but
     * will not show it, e.g. past the end of a round's batch).
     */
    @Transactional
    public void release(Caller caller, long sampleId) {
        store.release(sampleId, queue.userId(caller));
        samples.frame(sampleId).ifPresent(f -> changes.fire(new ReviewChanged(f.projectId())));
    }

    /** Every verdict on a sample, newest first. */
    @Transactional
    public List<Review> reviewsOf(long sampleId) {
        return store.verdictsOnSample(sampleId);
    }

    /** The caller's verdict on a map, if any. */
    @Transactional
    public Optional<Review> mine(Caller caller, long mapId) {
        return store.verdictOn(mapId, queue.userId(caller));
    }

    /** Every verdict in a project on a model version (null: all versions), oldest first. */
    @Transactional
    public List<Review> reviewsInProject(long projectId, Long modelId) {
        return store.verdictsInProject(projectId, modelId);
    }

    /** A verdict with what the report shows beside it: the reviewer's role, the sample's label, the model's prediction. */
    public record VerdictRecord(Review review, String reviewerRole, int label, Integer predicted, Double confidence,
                                String split) {
    }

    /**
     * The verdicts of a project as an audit report lists them, oldest first: on one model version
     * (null: all) and last changed in {@code [from, to)} (either end null: open).
     */
    @Transactional
    public List<VerdictRecord> verdictRecords(long projectId, Long modelId, Instant from, Instant to) {
        return store.verdictRecords(projectId, modelId, from, to);
    }

    /**
     * Saves a mask of a sample ({@code relevant} or {@code shortcut}) at image resolution. The
     * version is the one the caller loaded (0 when there was none); a newer stored version is a 409
     * naming who changed it. An all-zero mask clears it (kept with 0 pixels, so its version goes on).
     */
    @Transactional
    public Optional<Annotation> annotate(Caller caller, long sampleId, String kind, byte[] mask, int expectedVersion) {
        String k = kind == null ? "" : kind.strip().toLowerCase(Locale.ROOT);
        if (!KINDS.contains(k)) {
            throw new Invalid("Invalid kind '" + kind + "'", "Use relevant or shortcut");
        }
        SampleStore.Frame frame = samples.frame(sampleId).orElseThrow(() -> NotFound.of("Sample " + sampleId));
        int w = frame.width();
        int h = frame.height();
        if (h == 1 && mask != null && mask.length != w && rowColumns(sampleId).isPresent()) {
            throw new Invalid("Mask does not fit the row", "Sample " + sampleId + " is a table row of " + w
                    + " features: the mask needs " + w + " bytes (one per feature, in its dataset's column order), got "
                    + mask.length + "; or send \"features\": [names] instead of a mask");
        }
        if (mask == null || mask.length != w * h) {
            throw new Invalid("Mask does not fit the image", "Sample " + sampleId + " is " + w + "x" + h
                    + ": the mask needs " + (w * h) + " bytes (one per pixel), got " + (mask == null ? 0 : mask.length));
        }
        int pixels = 0;
        for (byte b : mask) {
            if (b != 0 && b != 1) {
                throw new Invalid("Mask values must be 0 or 1", "found " + (b & 0xff));
            }
            pixels += b;
        }
        long user = queue.userId(caller);
        // one writer per sample at a time, also when no mask exists yet (two first saves must not both win)
        store.lockSample(sampleId);
        long projectId = frame.projectId();
        // the masks of a sample that the overlap gave to other reviewers are theirs to paint, as its verdicts are
        queue.requireTurn(projectId, sampleId, user, null);
        Optional<ReviewStore.MaskVersion> current = store.maskVersion(sampleId, k);
        int stored = current.map(ReviewStore.MaskVersion::version).orElse(0);
        boolean row = h == 1 && rowColumns(sampleId).isPresent();
        if (expectedVersion > stored) {
            // no client could have loaded a version that was never stored: a made-up number, not a race
            throw new Invalid("Invalid version " + expectedVersion, "The " + k + (row ? " feature set" : " mask")
                    + " of sample " + sampleId + " is at version " + stored + " (0: none yet); send the version you "
                    + "loaded");
        }
        if (stored != expectedVersion) {
            String who = current.isEmpty() ? "someone" : current.get().author();
            throw new Conflict("Annotation changed meanwhile", "The " + k + (row ? " feature set" : " mask")
                    + " of sample " + sampleId + " was changed by " + who + " since you loaded it (version " + stored
                    + ", yours " + expectedVersion + "); reload the sample to see it before "
                    + (row ? "marking" : "painting") + " again");
        }
        store.saveMask(sampleId, user, k, mask, w, h, pixels);
        Optional<Annotation> saved = annotations(sampleId).stream().filter(a -> a.kind().equals(k)).findFirst();
        audit.record(caller.username(), "annotation.save", "annotation:" + saved.map(Annotation::id).orElse(0L), projectId,
                AuditLog.details("sampleId", sampleId, "kind", k, "pixels", pixels, "width", w, "height", h,
                        "version", saved.map(Annotation::version).orElse(0), "maskSha256", AuditChain.sha256(mask)));
        return saved;
    }

    /**
     * Saves the feature set of a table row ({@code relevant} or {@code shortcut}) given by the names
     * of its marked features: stored as the row's mask ({@link FeatureSet#mask}) through
     * {@link #annotate}, with its version check, overlap rule and audit entry. No names clears it.
     *
     * @throws Invalid when the sample is an image (it takes a mask) or a name is not a feature of the row
     */
    @Transactional
    public Optional<Annotation> annotateFeatures(Caller caller, long sampleId, String kind, List<String> features,
                                                 int expectedVersion) {
        List<TableColumn> columns = rowColumns(sampleId).orElseThrow(() -> new Invalid("Sample " + sampleId
                + " is an image", "An image's annotation is a painted mask: send \"mask\" (base64, one byte 0/1 per "
                + "pixel) instead of \"features\""));
        return annotate(caller, sampleId, kind, FeatureSet.mask(columns, features), expectedVersion);
    }

    /** One feature set of a row to save: its kind, the names of its marked features, the version the caller loaded (0: none). */
    public record FeatureSetChange(String kind, List<String> features, int expectedVersion) {
    }

    /**
     * Saves several feature sets of one table row in one transaction (as the review page moves a
     * feature from one kind to the other), each as {@link #annotateFeatures}; when one fails (a stale
     * version, say) none is stored.
     *
     * @return the saved annotation of each kind, by kind
     */
    @Transactional
    public Map<String, Annotation> annotateFeatureSets(Caller caller, long sampleId, List<FeatureSetChange> changes) {
        Map<String, Annotation> saved = new LinkedHashMap<>();
        for (FeatureSetChange c : changes) {
            annotateFeatures(caller, sampleId, c.kind(), c.features(), c.expectedVersion())
                    .ifPresent(a -> saved.put(a.kind(), a));
        }
        return saved;
    }

    /**
     * The feature columns of a table row, in its dataset's order: what its feature sets are masks
     * over. Empty when the sample is an image.
     *
     * @throws NotFound when there is no such sample
     */
    public Optional<List<TableColumn>> rowColumns(long sampleId) {
        Sample s = datasets.sample(sampleId).orElseThrow(() -> NotFound.of("Sample " + sampleId));
        return s.tableRow ? Optional.of(datasets.datasetColumns(s.datasetId)) : Optional.empty();
    }

    /** The names of the features a row's annotation marks, in column order (none for a cleared one). */
    public static List<String> features(List<TableColumn> columns, Annotation annotation) {
        return FeatureSet.of(columns, annotation.mask()).features();
    }

    /** Painted pixels of each sample's masks in a project, by sample id and kind ({@link #KINDS}); unpainted ones absent. */
    @Transactional
    public Map<Long, Map<String, Integer>> maskAreas(long projectId) {
        return store.maskAreas(projectId);
    }

    /** The masks of a sample, cleared ones (0 pixels) included so their versions are known. */
    @Transactional
    public List<Annotation> annotations(long sampleId) {
        return store.annotations(sampleId);
    }

    /** The masks of these samples by sample id (a sample without any absent), as {@link #annotations(long)}; in one query. */
    @Transactional
    public Map<Long, List<Annotation>> annotations(Collection<Long> sampleIds) {
        return store.annotations(sampleIds);
    }

    /** Counts for the progress line of the review page. */
    @Transactional
    public Progress progress(long projectId, Caller caller, long modelId, String split) {
        return store.progress(projectId, queue.userId(caller), modelId, split);
    }

    /** Agreement over the verdicts of a project on a model version (null: all), by map. */
    @Transactional
    public AgreementReport agreement(long projectId, Long modelId) {
        return agreementOf(reviewsInProject(projectId, modelId));
    }

    /** Agreement over the given verdicts, by map (the audit report passes the verdicts in its scope). */
    public static AgreementReport agreementOf(List<Review> verdicts) {
        List<Agreement.Rating> ratings = verdicts.stream()
                .map(r -> new Agreement.Rating("map " + r.saliencyMapId(), r.reviewer(), r.verdict().value())).toList();
        return new AgreementReport(ratings.size(), Agreement.pairwise(ratings), nullable(Agreement.krippendorffsAlpha(ratings)),
                nullable(Agreement.fleissKappa(ratings)), Agreement.disagreements(ratings));
    }

    /** Agreement statistics of a project, as the API and the agreement page show them. */
    public record AgreementReport(int verdicts, List<Agreement.PairAgreement> pairs, Double krippendorffsAlpha,
                                  Double fleissKappa, List<String> disagreements) {
    }

    private static Double nullable(OptionalDouble d) {
        return d.isPresent() ? d.getAsDouble() : null;
    }

    // ---- feedback export

    /** A verdict with what the feedback export writes beside it: the map's parameters and target, the sample's facts. */
    public record ExportedVerdict(Review review, String parameters, int target, String split, int label, String source,
                                  long datasetId) {
    }

    /** A painted mask of a sample without its pixels: who saved which version when. */
    public record MaskInfo(long id, long sampleId, String kind, int width, int height, int pixels, int version,
                           String author, OffsetDateTime updatedAt) {
    }

    /**
     * The verdicts of a project as the feedback export writes them, oldest first: on one model
     * version (null: all) and last changed in {@code [from, to)} (either end null: open).
     */
    @Transactional
    public List<ExportedVerdict> exportedVerdicts(long projectId, Long modelId, Instant from, Instant to) {
        return store.exportedVerdicts(projectId, modelId, from, to);
    }

    /**
     * The painted masks (without pixels) of the named samples of a project and, when {@code window}
     * is set, also those last saved in {@code [from, to)}.
     */
    @Transactional
    public List<MaskInfo> paintedMaskInfos(long projectId, Collection<Long> sampleIds, boolean window, Instant from,
                                           Instant to) {
        return store.paintedMaskInfos(projectId, sampleIds, window, from, to);
    }

    /** The pixels of masks by id (one byte 0/1 per pixel, row by row); a mask gone meanwhile is absent. */
    @Transactional
    public Map<Long, byte[]> maskPixels(Collection<Long> annotationIds) {
        return store.maskPixels(annotationIds);
    }
}
