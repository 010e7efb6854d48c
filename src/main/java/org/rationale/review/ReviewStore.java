package org.rationale.review;

import jakarta.transaction.Transactional;
import org.rationale.dataset.Split;
import org.rationale.model.ShortcutMasks;
import java.util.List;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Tuple;
import org.rationale.database.Owns;
import org.rationale.database.PgArray;
import org.rationale.database.PgTime;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * All the SQL of verdicts, annotation masks, reservations and hand-outs of a review session.
 * Users are named by id here; the services resolve callers to ids.
 */
@ApplicationScoped
@Owns({"annotations", "reviews", "review_handouts", "review_reservations"})
public class ReviewStore {

    private static final String REVIEW_COLUMNS = "select r.id, r.sample_id, r.saliency_map_id, r.model_version_id, "
            + "m.method, u.username, r.verdict, r.comment, r.version, r.updated_at";
    private static final String REVIEW_JOINS = " from reviews r join users u on u.id = r.user_id "
            + "join saliency_maps m on m.id = r.saliency_map_id where ";

    @Inject
    EntityManager em;

    /** A verdict as the store keeps it before the change that replaces it. */
    public record StoredVerdict(long id, int version, Verdict verdict, String comment) {
    }

    /** The version of a sample's mask of one kind and who saved it last. */
    public record MaskVersion(int version, String author) {
    }

    /** A painted (non-empty) mask of a sample, as the scheduler reads it. */
    public record PaintedMask(long sampleId, String kind, byte[] mask) {
    }

    // ---- reservations and hand-outs

    /** Serialises hand-outs in a project until the transaction ends. */
    public void lockQueue(long projectId) {
        em.createNativeQuery("select pg_advisory_xact_lock(hashtextextended('review-queue:' || ?1, 0))")
                .setParameter(1, projectId).getSingleResult();
    }

    /** Serialises verdicts and mask saves on a sample until the transaction ends. */
    public void lockSample(long sampleId) {
        em.createNativeQuery("select pg_advisory_xact_lock(?1)").setParameter(1, sampleId).getSingleResult();
    }

    /** A sample of the split the user holds (and has not judged under the model), not among {@code skip}. */
    public Optional<Long> heldSample(long projectId, String split, long user, long modelId, Collection<Long> skip) {
        List<Long> ids = em.createNativeQuery("select x.sample_id from review_reservations x join samples s on s.id = x.sample_id "
                        + "where x.user_id = ?3 and x.project_id = ?1 and s.split = ?2 and x.reserved_until > now() "
                        + "and not (x.sample_id = any(cast(?5 as bigint[]))) and not exists (select 1 from reviews r "
                        + "where r.sample_id = x.sample_id and r.user_id = ?3 and r.model_version_id = ?4) "
                        + "order by x.sample_id limit 1", Long.class)
                .setParameter(1, projectId).setParameter(2, split).setParameter(3, user).setParameter(4, modelId)
                .setParameter(5, PgArray.ofLongs(skip)).getResultList();
        return ids.stream().findFirst();
    }

    /** Reserves a sample for a user for some minutes (renewing a reservation they hold). */
    public void reserve(long projectId, long sampleId, long user, int minutes) {
        em.createNativeQuery("insert into review_reservations (sample_id, user_id, project_id, reserved_until) "
                        + "values (?1, ?2, ?3, now() + make_interval(mins => ?4)) on conflict (sample_id, user_id) "
                        + "do update set reserved_until = excluded.reserved_until")
                .setParameter(1, sampleId).setParameter(2, user).setParameter(3, projectId).setParameter(4, minutes)
                .executeUpdate();
    }

    /** Ends every reservation in a project; returns how many ended. */
    public int releaseAll(long projectId) {
        return em.createNativeQuery("delete from review_reservations where project_id = ?1").setParameter(1, projectId)
                .executeUpdate();
    }

    /** Ends a user's reservation of a sample. */
    public void release(long sampleId, long user) {
        em.createNativeQuery("delete from review_reservations where sample_id = ?1 and user_id = ?2")
                .setParameter(1, sampleId).setParameter(2, user).executeUpdate();
    }

    /** Whether the user holds the sample now. */
    public boolean holds(long sampleId, long user) {
        return !em.createNativeQuery("select 1 from review_reservations where sample_id = ?1 and user_id = ?2 "
                + "and reserved_until > now()").setParameter(1, sampleId).setParameter(2, user).getResultList().isEmpty();
    }

    /**
     * The other reviewers who hold the sample now or judged it (under the model; null: under any),
     * by name in order.
     */
    public List<String> othersOn(long sampleId, long user, Long modelId) {
        return em.createNativeQuery("select u.username from (select x.user_id from review_reservations x "
                        + "where x.sample_id = ?1 and x.reserved_until > now() union select r.user_id from reviews r "
                        + "where r.sample_id = ?1 and (cast(?3 as bigint) is null or r.model_version_id = ?3)) t "
                        + "join users u on u.id = t.user_id where u.id <> ?2 order by u.username", String.class)
                .setParameter(1, sampleId).setParameter(2, user).setParameter(3, modelId).getResultList();
    }

    /** Records that a map was handed to a user; handing it again changes nothing. */
    public void handOut(long mapId, long user) {
        em.createNativeQuery("insert into review_handouts (saliency_map_id, user_id) values (?1, ?2) on conflict do nothing")
                .setParameter(1, mapId).setParameter(2, user).executeUpdate();
    }

    /** When the map was handed to the user; empty when never. */
    public Optional<OffsetDateTime> handedAt(long mapId, long user) {
        List<?> rows = em.createNativeQuery("select handed_at from review_handouts where saliency_map_id = ?1 "
                + "and user_id = ?2").setParameter(1, mapId).setParameter(2, user).getResultList();
        return rows.stream().findFirst().map(PgTime::of);
    }

    // ---- verdicts

    /** The user's verdict on a map as stored, if any. */
    public Optional<StoredVerdict> storedVerdict(long mapId, long user) {
        List<Tuple> rows = em.createNativeQuery("select id, version, verdict, comment from reviews where "
                + "saliency_map_id = ?1 and user_id = ?2", Tuple.class).setParameter(1, mapId).setParameter(2, user)
                .getResultList();
        return rows.stream().findFirst().map(t -> new StoredVerdict(t.get("id", Number.class).longValue(),
                t.get("version", Number.class).intValue(), Verdict.parse(t.get("verdict", String.class)),
                t.get("comment", String.class)));
    }

    /** Stores a first verdict of a user on a map (version 1). */
    public void insertVerdict(long mapId, long user, Verdict verdict, String comment, long sampleId, long modelId,
                              long projectId) {
        em.createNativeQuery("insert into reviews (saliency_map_id, user_id, verdict, comment, sample_id, "
                        + "model_version_id, project_id, version) values (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1)")
                .setParameter(1, mapId).setParameter(2, user).setParameter(3, verdict.value()).setParameter(4, comment)
                .setParameter(5, sampleId).setParameter(6, modelId).setParameter(7, projectId).executeUpdate();
    }

    /** Changes a stored verdict, one version on. */
    public void updateVerdict(long id, Verdict verdict, String comment) {
        em.createNativeQuery("update reviews set verdict = ?2, comment = ?3, version = version + 1, updated_at = now() "
                + "where id = ?1").setParameter(1, id).setParameter(2, verdict.value()).setParameter(3, comment)
                .executeUpdate();
    }

    /** Removes a verdict. */
    public void deleteVerdict(long id) {
        em.createNativeQuery("delete from reviews where id = ?1").setParameter(1, id).executeUpdate();
    }

    /** The user's verdict on a map, if any. */
    public Optional<ReviewService.Review> verdictOn(long mapId, long user) {
        return reviews("r.saliency_map_id = ?1 and r.user_id = ?2", mapId, user).stream().findFirst();
    }

    /** The user's most recent verdict in a project, if any. */
    public Optional<ReviewService.Review> lastVerdictOf(long projectId, long user) {
        return reviews("r.project_id = ?1 and r.user_id = ?2 order by r.updated_at desc, r.id desc limit 1", projectId, user)
                .stream().findFirst();
    }

    /** Every verdict on a sample, newest first. */
    public List<ReviewService.Review> verdictsOnSample(long sampleId) {
        return reviews("r.sample_id = ?1 order by r.updated_at desc, r.id desc", sampleId);
    }

    /** Every verdict in a project on a model version (null: all versions), oldest first. */
    public List<ReviewService.Review> verdictsInProject(long projectId, Long modelId) {
        return modelId == null ? reviews("r.project_id = ?1 order by r.id", projectId)
                : reviews("r.project_id = ?1 and r.model_version_id = ?2 order by r.id", projectId, modelId);
    }

    /**
     * Reviews of a project ({@code select}: columns and joins on {@code reviews r}) on one model version
     * (null: all) and last changed in {@code [from, to)} (either end null: open), oldest first.
     */
    @SuppressWarnings("unchecked")
    private List<Tuple> inScope(String select, long projectId, Long modelId, Instant from, Instant to) {
        return em.createNativeQuery(select
                        + "where r.project_id = ?1 and (cast(?2 as bigint) is null or r.model_version_id = ?2) "
                        + "and (cast(?3 as timestamptz) is null or r.updated_at >= ?3) "
                        + "and (cast(?4 as timestamptz) is null or r.updated_at < ?4) order by r.updated_at, r.id", Tuple.class)
                .setParameter(1, projectId).setParameter(2, modelId)
                .setParameter(3, from == null ? null : OffsetDateTime.ofInstant(from, ZoneOffset.UTC))
                .setParameter(4, to == null ? null : OffsetDateTime.ofInstant(to, ZoneOffset.UTC))
                .getResultList();
    }

    /**
     * The verdicts of a project as an audit report lists them, oldest first: on one model version
     * (null: all) and last changed in {@code [from, to)} (either end null: open).
     */
    public List<ReviewService.VerdictRecord> verdictRecords(long projectId, Long modelId, Instant from, Instant to) {
        List<Tuple> rows = inScope(REVIEW_COLUMNS + ", u.role, s.label, p.predicted_label, p.confidence, "
                + "s.split from reviews r join users u on u.id = r.user_id "
                + "join saliency_maps m on m.id = r.saliency_map_id join samples s on s.id = r.sample_id "
                + "left join predictions p on p.sample_id = r.sample_id and p.model_version_id = r.model_version_id ",
                projectId, modelId, from, to);
        return rows.stream().map(t -> {
            Number predicted = t.get("predicted_label", Number.class);
            Number confidence = t.get("confidence", Number.class);
            return new ReviewService.VerdictRecord(review(t), t.get("role", String.class),
                    t.get("label", Number.class).intValue(), predicted == null ? null : predicted.intValue(),
                    confidence == null ? null : confidence.doubleValue(), t.get("split", String.class));
        }).toList();
    }

    /** How many samples of a project have at least one verdict. */
    public int reviewedSamples(long projectId) {
        return ((Long) em.createNativeQuery("select count(distinct sample_id) from reviews where project_id = ?1", Long.class)
                .setParameter(1, projectId).getSingleResult()).intValue();
    }

    /** Counts for the progress line of the review page. */
    public ReviewService.Progress progress(long projectId, long user, long modelId, String split) {
        Tuple t = (Tuple) em.createNativeQuery("select (select count(distinct sample_id) from reviews where project_id = ?1 "
                        + "and model_version_id = ?2 and user_id = ?3) as mine, (select count(distinct sample_id) from reviews "
                        + "where project_id = ?1 and model_version_id = ?2) as anyone, (select count(*) from reviews "
                        + "where project_id = ?1 and model_version_id = ?2) as verdicts, (select count(*) from "
                        + "review_reservations where project_id = ?1 and reserved_until > now()) as reserved, "
                        + "(select count(*) from samples where project_id = ?1 and split = ?4) as samples", Tuple.class)
                .setParameter(1, projectId).setParameter(2, modelId).setParameter(3, user).setParameter(4, split)
                .getSingleResult();
        return new ReviewService.Progress(t.get("samples", Long.class), t.get("mine", Long.class),
                t.get("anyone", Long.class), t.get("verdicts", Long.class), t.get("reserved", Long.class));
    }

    private List<ReviewService.Review> reviews(String where, Object... params) {
        var q = em.createNativeQuery(REVIEW_COLUMNS + REVIEW_JOINS + where, Tuple.class);
        for (int i = 0; i < params.length; i++) {
            q.setParameter(i + 1, params[i]);
        }
        @SuppressWarnings("unchecked")
        List<Tuple> rows = q.getResultList();
        return rows.stream().map(ReviewStore::review).toList();
    }

    private static ReviewService.Review review(Tuple t) {
        return new ReviewService.Review(t.get("id", Number.class).longValue(), t.get("sample_id", Number.class).longValue(),
                t.get("saliency_map_id", Number.class).longValue(), t.get("model_version_id", Number.class).longValue(),
                t.get("method", String.class), t.get("username", String.class), Verdict.parse(t.get("verdict", String.class)),
                t.get("comment", String.class), t.get("version", Number.class).intValue(), PgTime.of(t.get("updated_at")));
    }

    // ---- annotation masks

    /** The stored version of a sample's mask of one kind and its last author; empty when there is none. */
    public Optional<MaskVersion> maskVersion(long sampleId, String kind) {
        List<Tuple> rows = em.createNativeQuery("select a.version, u.username from annotations a left join users u "
                        + "on u.id = a.user_id where a.sample_id = ?1 and a.kind = ?2", Tuple.class)
                .setParameter(1, sampleId).setParameter(2, kind).getResultList();
        return rows.stream().findFirst().map(t -> new MaskVersion(t.get("version", Number.class).intValue(),
                t.get("username", String.class)));
    }

    /**
     * Saves a mask of a sample, one version on (a cleared mask keeps its row with 0 pixels, so its
     * version keeps growing and a save from before the clear stays stale).
     */
    public void saveMask(long sampleId, long user, String kind, byte[] mask, int width, int height, int pixels) {
        em.createNativeQuery("insert into annotations (sample_id, user_id, kind, mask, version, width, height, pixels) "
                        + "values (?1, ?2, ?3, ?4, 1, ?5, ?6, ?7) on conflict (sample_id, kind) do update set "
                        + "user_id = excluded.user_id, mask = excluded.mask, version = annotations.version + 1, "
                        + "width = excluded.width, height = excluded.height, pixels = excluded.pixels, updated_at = now()")
                .setParameter(1, sampleId).setParameter(2, user).setParameter(3, kind).setParameter(4, mask)
                .setParameter(5, width).setParameter(6, height).setParameter(7, pixels).executeUpdate();
    }

    /** The masks of a sample by kind, cleared ones (0 pixels) included. */
    public List<ReviewService.Annotation> annotations(long sampleId) {
        List<Tuple> rows = em.createNativeQuery("select a.id, a.kind, a.width, a.height, a.pixels, a.mask, a.version, "
                + "u.username, a.updated_at from annotations a left join users u on u.id = a.user_id where a.sample_id = ?1 "
                + "order by a.kind", Tuple.class).setParameter(1, sampleId).getResultList();
        return rows.stream().map(t -> new ReviewService.Annotation(t.get("id", Number.class).longValue(), sampleId,
                t.get("kind", String.class), t.get("width", Number.class).intValue(), t.get("height", Number.class).intValue(),
                t.get("pixels", Number.class).intValue(), t.get("mask", byte[].class), t.get("version", Number.class).intValue(),
                t.get("username", String.class), PgTime.of(t.get("updated_at")))).toList();
    }

    /** The masks of these samples by sample id, each sample's by kind, cleared ones (0 pixels) included; in one query. */
    public Map<Long, List<ReviewService.Annotation>> annotations(Collection<Long> sampleIds) {
        Map<Long, List<ReviewService.Annotation>> out = new HashMap<>();
        if (sampleIds.isEmpty()) {
            return out;
        }
        List<Tuple> rows = em.createNativeQuery("select a.id, a.sample_id, a.kind, a.width, a.height, a.pixels, a.mask, "
                        + "a.version, u.username, a.updated_at from annotations a left join users u on u.id = a.user_id "
                        + "where a.sample_id = any(cast(?1 as bigint[])) order by a.sample_id, a.kind", Tuple.class)
                .setParameter(1, PgArray.ofLongs(sampleIds)).getResultList();
        for (Tuple t : rows) {
            long sampleId = t.get("sample_id", Number.class).longValue();
            out.computeIfAbsent(sampleId, k -> new ArrayList<>()).add(new ReviewService.Annotation(
                    t.get("id", Number.class).longValue(), sampleId, t.get("kind", String.class),
                    t.get("width", Number.class).intValue(), t.get("height", Number.class).intValue(),
                    t.get("pixels", Number.class).intValue(), t.get("mask", byte[].class),
                    t.get("version", Number.class).intValue(), t.get("username", String.class),
                    PgTime.of(t.get("updated_at"))));
        }
        return out;
    }

    /** The painted masks of a project's samples. */
    public List<PaintedMask> paintedMasks(long projectId) {
        List<Tuple> rows = em.createNativeQuery("select a.sample_id, a.kind, a.mask from annotations a "
                        + "join samples s on s.id = a.sample_id where s.project_id = ?1 and a.pixels > 0", Tuple.class)
                .setParameter(1, projectId).getResultList();
        return rows.stream().map(t -> new PaintedMask(t.get("sample_id", Number.class).longValue(), t.get("kind", String.class),
                t.get("mask", byte[].class))).toList();
    }

    /** How many samples of a project have a painted shortcut mask. */
    public int shortcutMasks(long projectId) {
        return ((Long) em.createNativeQuery("select count(*) from annotations a join samples s on s.id = a.sample_id "
                        + "where s.project_id = ?1 and a.kind = 'shortcut' and a.pixels > 0", Long.class)
                .setParameter(1, projectId).getSingleResult()).intValue();
    }

    /** How many samples of a split of a project have a painted shortcut mask (without reading the masks). */
    @Transactional
    public int shortcutMaskCount(long projectId, Split split) {
        return ((Long) em.createNativeQuery("select count(*) from annotations a join samples s on s.id = a.sample_id "
                        + "where s.project_id = ?1 and s.split = ?2 and a.kind = 'shortcut' and a.pixels > 0", Long.class)
                .setParameter(1, projectId).setParameter(2, split.value()).getSingleResult()).intValue();
    }

    /** Every non-empty shortcut mask on the samples of a split of the project, by sample id (training feedback). */
    @Transactional
    public List<ShortcutMasks.Mask> shortcutMasks(long projectId, Split split) {
        List<?> rows = em.createNativeQuery("select a.sample_id, a.mask from annotations a join samples s "
                        + "on s.id = a.sample_id where s.project_id = ?1 and s.split = ?2 and a.kind = 'shortcut' "
                        + "and a.pixels > 0 order by a.sample_id", Tuple.class)
                .setParameter(1, projectId).setParameter(2, split.value()).getResultList();
        return rows.stream().map(Tuple.class::cast).map(t -> new ShortcutMasks.Mask(
                t.get("sample_id", Number.class).longValue(), t.get("mask", byte[].class))).toList();
    }

    /**
     * The user's latest verdict on each sample they judged in a project under a model version, the
     * most recently changed first, at most {@code limit} samples.
     */
    public List<ReviewService.Review> recentVerdictsOf(long projectId, long user, long modelId, int limit) {
        return reviews("r.id in (select distinct on (x.sample_id) x.id from reviews x where x.project_id = ?1 "
                + "and x.user_id = ?2 and x.model_version_id = ?3 order by x.sample_id, x.updated_at desc, x.id desc) "
                + "order by r.updated_at desc, r.id desc limit ?4", projectId, user, modelId, limit);
    }

    /** Which of the given samples have at least one verdict (by anyone) under a model version. */
    public List<Long> judgedAmong(long modelId, Collection<Long> sampleIds) {
        List<?> rows = em.createNativeQuery("select distinct sample_id from reviews where model_version_id = ?1 "
                        + "and sample_id = any(cast(?2 as bigint[]))")
                .setParameter(1, modelId).setParameter(2, PgArray.ofLongs(sampleIds)).getResultList();
        return rows.stream().map(r -> ((Number) r).longValue()).toList();
    }

    // ---- feedback export

    /**
     * The verdicts of a project as the feedback export writes them, oldest first: on one model
     * version (null: all), last changed in {@code [from, to)} (either end null: open), each with the
     * map's parameters and target and the sample's split, label and source.
     */
    public List<ReviewService.ExportedVerdict> exportedVerdicts(long projectId, Long modelId, Instant from, Instant to) {
        List<Tuple> rows = inScope(REVIEW_COLUMNS + ", m.parameters, m.target_label, s.split, s.label, "
                + "s.source, s.dataset_id from reviews r join users u on u.id = r.user_id "
                + "join saliency_maps m on m.id = r.saliency_map_id join samples s on s.id = r.sample_id ",
                projectId, modelId, from, to);
        return rows.stream().map(t -> new ReviewService.ExportedVerdict(review(t), t.get("parameters", String.class),
                t.get("target_label", Number.class).intValue(), t.get("split", String.class),
                t.get("label", Number.class).intValue(), t.get("source", String.class),
                t.get("dataset_id", Number.class).longValue())).toList();
    }

    /**
     * The painted masks (without their pixels) of a project's samples named in {@code sampleIds},
     * and, when {@code window} is set, also those last saved in {@code [from, to)}; by sample and kind.
     */
    public List<ReviewService.MaskInfo> paintedMaskInfos(long projectId, Collection<Long> sampleIds, boolean window,
                                                         Instant from, Instant to) {
        List<Tuple> rows = em.createNativeQuery("select a.id, a.sample_id, a.kind, a.width, a.height, a.pixels, "
                        + "a.version, u.username, a.updated_at from annotations a join samples s on s.id = a.sample_id "
                        + "left join users u on u.id = a.user_id where s.project_id = ?1 and a.pixels > 0 and "
                        + "(a.sample_id = any(cast(?2 as bigint[])) or (cast(?3 as boolean) "
                        + "and (cast(?4 as timestamptz) is null or a.updated_at >= ?4) "
                        + "and (cast(?5 as timestamptz) is null or a.updated_at < ?5))) order by a.sample_id, a.kind", Tuple.class)
                .setParameter(1, projectId).setParameter(2, PgArray.ofLongs(sampleIds)).setParameter(3, window)
                .setParameter(4, from == null ? null : OffsetDateTime.ofInstant(from, ZoneOffset.UTC))
                .setParameter(5, to == null ? null : OffsetDateTime.ofInstant(to, ZoneOffset.UTC))
                .getResultList();
        return rows.stream().map(t -> new ReviewService.MaskInfo(t.get("id", Number.class).longValue(),
                t.get("sample_id", Number.class).longValue(), t.get("kind", String.class),
                t.get("width", Number.class).intValue(), t.get("height", Number.class).intValue(),
                t.get("pixels", Number.class).intValue(), t.get("version", Number.class).intValue(),
                t.get("username", String.class), PgTime.of(t.get("updated_at")))).toList();
    }

    /** The pixels (one byte 0/1 per pixel, row by row) of the masks with these ids, by id. */
    public Map<Long, byte[]> maskPixels(Collection<Long> annotationIds) {
        List<Tuple> rows = em.createNativeQuery("select a.id, a.mask from annotations a "
                        + "where a.id = any(cast(?1 as bigint[]))", Tuple.class)
                .setParameter(1, PgArray.ofLongs(annotationIds)).getResultList();
        Map<Long, byte[]> out = new HashMap<>();
        rows.forEach(t -> out.put(t.get("id", Number.class).longValue(), t.get("mask", byte[].class)));
        return out;
    }

    /** Painted pixels of each sample's masks in a project, by sample id and kind (cleared masks left out; for reports). */
    public Map<Long, Map<String, Integer>> maskAreas(long projectId) {
        List<Tuple> rows = em.createNativeQuery("select a.sample_id, a.kind, a.pixels from annotations a "
                        + "join samples s on s.id = a.sample_id where s.project_id = ?1 and a.pixels > 0", Tuple.class)
                .setParameter(1, projectId).getResultList();
        Map<Long, Map<String, Integer>> out = new HashMap<>();
        for (Tuple t : rows) {
            out.computeIfAbsent(t.get("sample_id", Number.class).longValue(), k -> new HashMap<>())
                    .put(t.get("kind", String.class), t.get("pixels", Number.class).intValue());
        }
        return out;
    }

    /** What one feedback round's reviews gave: samples of a split judged, and how many of them carry a shortcut mask. */
    public record SplitReviews(int reviewed, int masks) {
    }

    /**
     * The samples of one split of a project that got a verdict under a model version since a
     * moment (a round's start), and how many of those carry a painted shortcut mask: a round's own
     * reviews, without verdicts on other splits, models or earlier rounds.
     */
    public SplitReviews splitReviews(long projectId, long modelId, Split split, OffsetDateTime since) {
        Tuple t = (Tuple) em.createNativeQuery("with judged as (select distinct r.sample_id from reviews r "
                        + "join samples s on s.id = r.sample_id where r.project_id = ?1 and r.model_version_id = ?2 "
                        + "and s.split = ?3 and r.created_at >= ?4) select (select count(*) from judged) as reviewed, "
                        + "(select count(*) from annotations a join judged j on j.sample_id = a.sample_id "
                        + "where a.kind = 'shortcut' and a.pixels > 0) as masks", Tuple.class)
                .setParameter(1, projectId).setParameter(2, modelId).setParameter(3, split.value())
                .setParameter(4, since).getSingleResult();
        return new SplitReviews(t.get("reviewed", Number.class).intValue(), t.get("masks", Number.class).intValue());
    }

    /** Up to {@code limit} samples of a project with a painted shortcut mask, in a fixed pseudo-random order. */
    @Transactional
    public List<Long> shortcutMaskSamples(long projectId, int limit) {
        return em.createNativeQuery("select a.sample_id from annotations a join samples s on s.id = a.sample_id "
                        + "where s.project_id = ?1 and a.kind = 'shortcut' and a.pixels > 0 "
                        + "order by hashtextextended(a.sample_id::text, 11), a.sample_id limit ?2", Long.class)
                .setParameter(1, projectId).setParameter(2, limit).getResultList();
    }

    /** The non-empty shortcut masks of a split last painted before a time, by sample id (a round's control training). */
    @Transactional
    public List<ShortcutMasks.Mask> shortcutMasksBefore(long projectId, Split split, OffsetDateTime before) {
        List<?> rows = em.createNativeQuery("select a.sample_id, a.mask from annotations a join samples s "
                        + "on s.id = a.sample_id where s.project_id = ?1 and s.split = ?2 and a.kind = 'shortcut' "
                        + "and a.pixels > 0 and a.updated_at < ?3 order by a.sample_id", Tuple.class)
                .setParameter(1, projectId).setParameter(2, split.value()).setParameter(3, before).getResultList();
        return rows.stream().map(Tuple.class::cast).map(t -> new ShortcutMasks.Mask(
                t.get("sample_id", Number.class).longValue(), t.get("mask", byte[].class))).toList();
    }
}
