package org.rationale.review;

import org.rationale.error.Invalid;
import org.rationale.error.NotFound;
import org.rationale.error.Conflict;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.rationale.database.PgArray;
import org.rationale.database.PgTime;
import org.rationale.audit.AuditLog;
import org.rationale.security.Caller;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The rules of expert review. A reviewer gets the next sample of a project that they have not
 * judged for the model, reserved for them for the project's reservation time (or shared by up to
 * {@code review_overlap} reviewers). A verdict judges one stored map (so one model version and one
 * method) that was handed to its reviewer (drawn by their review page, or answered by the next-sample
 * call), and can be changed or undone; a reviewer may not judge a sample that the project's overlap
 * has handed to others, and a change made on a stale version is refused: nobody overwrites anybody
 * silently. Annotation masks (what should matter, what must not) belong to the sample, follow the same
 * overlap rule and are version-checked the same way.
 */
@ApplicationScoped
public class ReviewService {

    /** Verdicts on a rationale. */
    public static final List<String> VERDICTS = List.of("accept", "reject", "unsure");
    /** Kinds of annotation mask. */
    public static final List<String> KINDS = List.of("relevant", "shortcut");

    private final EntityManager em;
    private final jakarta.enterprise.event.Event<ReviewChanged> changes;
    private final AuditLog audit;

    ReviewService(EntityManager em, jakarta.enterprise.event.Event<ReviewChanged> changes, AuditLog audit) {
        this.audit = audit;
        this.em = em;
        this.changes = changes;
    }

    /** A verdict as stored. */
    public record Review(long id, long sampleId, long saliencyMapId, long modelId, String method, String reviewer,
                         String verdict, String comment, int version, OffsetDateTime updatedAt) {
    }

    /** An annotation mask of a sample: one byte per pixel (0/1), row by row. */
    public record Annotation(long id, long sampleId, String kind, int width, int height, int pixels, byte[] mask,
                             int version, String author, OffsetDateTime updatedAt) {
    }

    /** How far a project's review has come, for one model. */
    public record Progress(long samples, long reviewedByMe, long reviewedByAnyone, long verdicts, long reservedNow) {
    }

    /**
     * The next sample for the caller to review in a project and split, reserved for them: a sample
     * they hold already comes first, then the scheduler's order for the model (when the project's
     * strategy has ranked it), then id order; empty when nothing is left.
     */
    @Transactional
    @SuppressWarnings("unchecked")
    public Optional<Long> next(long projectId, Caller caller, long modelId, String split, List<Long> skip) {
        long user = userId(caller);
        Object[] settings = settings(projectId);
        int overlap = ((Number) settings[0]).intValue();
        int minutes = ((Number) settings[1]).intValue();
        // one hand-out at a time per project: two reviewers asking at once must not both get a sample the overlap gives one
        em.createNativeQuery("select pg_advisory_xact_lock(hashtextextended('review-queue:' || ?1, 0))")
                .setParameter(1, projectId).getSingleResult();
        String skipped = PgArray.ofLongs(skip == null ? List.of() : skip);
        // a sample I hold already (and have not judged) comes first
        List<Number> ids = em.createNativeQuery("select x.sample_id from review_reservations x join samples s on s.id = x.sample_id "
                        + "where x.user_id = ?3 and x.project_id = ?1 and s.split = ?2 and x.reserved_until > now() "
                        + "and not (x.sample_id = any(cast(?5 as bigint[]))) and not exists (select 1 from reviews r "
                        + "where r.sample_id = x.sample_id and r.user_id = ?3 and r.model_version_id = ?4) "
                        + "order by x.sample_id limit 1")
                .setParameter(1, projectId).setParameter(2, split).setParameter(3, user).setParameter(4, modelId)
                .setParameter(5, skipped).getResultList();
        // the overlap rule: fewer than `overlap` other reviewers hold or judged the sample (for one reviewer a
        // sample, the usual case, two anti-joins that stop at the first row instead of two counts)
        String open = overlap == 1 ? "not exists (select 1 from reviews r where r.sample_id = s.id "
                + "and r.model_version_id = ?4) and not exists (select 1 from review_reservations x where "
                + "x.sample_id = s.id and x.user_id <> ?3 and x.reserved_until > now()) and ?5 = 1 "
                : "not exists (select 1 from reviews r where r.sample_id = s.id and r.user_id = ?3 "
                + "and r.model_version_id = ?4) "
                + "and (select count(*) from review_reservations x where x.sample_id = s.id and x.user_id <> ?3 "
                + "and x.reserved_until > now()) + (select count(distinct r.user_id) from reviews r where "
                + "r.sample_id = s.id and r.model_version_id = ?4 and r.user_id <> ?3 and not exists (select 1 "
                + "from review_reservations x where x.sample_id = s.id and x.user_id = r.user_id "
                + "and x.reserved_until > now())) < ?5 ";
        if (ids.isEmpty()) {
            // else the scheduler's order, when the project's strategy has ranked samples for this model
            // (project, model, strategy) is the primary key's prefix: a walk in position order, whatever the statistics say
            ids = em.createNativeQuery("select s.id from review_queue q join samples s on s.id = q.sample_id "
                            + "where q.project_id = ?1 and q.model_version_id = ?4 and q.strategy = ?7 and s.split = ?2 "
                            + "and not (s.id = any(cast(?6 as bigint[]))) and " + open
                            + "order by q.position limit 1")
                    .setParameter(1, projectId).setParameter(2, split).setParameter(3, user).setParameter(4, modelId)
                    .setParameter(5, overlap).setParameter(6, skipped).setParameter(7, settings[2]).getResultList();
        }
        if (ids.isEmpty()) {
            // else the first sample in id order that I have not judged and that the overlap leaves to me
            ids = em.createNativeQuery("select s.id from samples s where s.project_id = ?1 and s.split = ?2 "
                            + "and not (s.id = any(cast(?6 as bigint[]))) and " + open
                            + "order by s.id limit 1")
                    .setParameter(1, projectId).setParameter(2, split).setParameter(3, user).setParameter(4, modelId)
                    .setParameter(5, overlap).setParameter(6, skipped).getResultList();
        }
        if (ids.isEmpty()) {
            return Optional.empty();
        }
        long sample = ids.get(0).longValue();
        reserve(projectId, sample, user, minutes);
        return Optional.of(sample);
    }

    /**
     * Ends every reservation in a project: when a round opens its review, samples handed out under
     * the previous model must not come back ahead of the new queue. Returns how many ended.
     */
    @Transactional
    public int releaseReservations(long projectId) {
        int n = em.createNativeQuery("delete from review_reservations where project_id = ?1").setParameter(1, projectId)
                .executeUpdate();
        if (n > 0) {
            changes.fire(new ReviewChanged(projectId));
        }
        return n;
    }

    private void reserve(long projectId, long sample, long user, int minutes) {
        em.createNativeQuery("insert into review_reservations (sample_id, user_id, project_id, reserved_until) "
                        + "values (?1, ?2, ?3, now() + make_interval(mins => ?4)) on conflict (sample_id, user_id) "
                        + "do update set reserved_until = excluded.reserved_until")
                .setParameter(1, sample).setParameter(2, user).setParameter(3, projectId).setParameter(4, minutes)
                .executeUpdate();
    }

    /**
     * Records (or changes) the caller's verdict on a stored map. {@code expectedVersion} is the
     * version the caller saw (null: they saw none); a different stored version is a 409.
     */
    @Transactional
    @SuppressWarnings("unchecked")
    public Review verdict(Caller caller, long sampleId, Long mapId, String verdict, String comment, Integer expectedVersion) {
        if (mapId == null) {
            throw new Invalid("Missing saliencyMapId", "A verdict judges one stored map: give its id");
        }
        String v = verdict == null ? "" : verdict.strip().toLowerCase(Locale.ROOT);
        if (!VERDICTS.contains(v)) {
            throw new Invalid("Invalid verdict '" + verdict + "'", "Use accept, reject or unsure");
        }
        if (comment != null && comment.length() > 4000) {
            throw new Invalid("Comment too long", "At most 4,000 characters");
        }
        List<Object[]> map = em.createNativeQuery("select m.sample_id, m.model_version_id, s.project_id from saliency_maps m "
                + "join samples s on s.id = m.sample_id where m.id = ?1").setParameter(1, mapId).getResultList();
        if (map.isEmpty()) {
            throw NotFound.of("Saliency map " + mapId);
        }
        if (((Number) map.get(0)[0]).longValue() != sampleId) {
            throw new Invalid("Map of another sample", "Map " + mapId + " is not a map of sample " + sampleId);
        }
        long modelId = ((Number) map.get(0)[1]).longValue();
        long projectId = ((Number) map.get(0)[2]).longValue();
        long user = userId(caller);
        // serialise verdicts on one sample: the overlap check below must see the other reviewers' rows
        em.createNativeQuery("select pg_advisory_xact_lock(?1)").setParameter(1, sampleId).getSingleResult();
        requireTurn(projectId, sampleId, user, modelId);
        List<?> handed = em.createNativeQuery("select handed_at from review_handouts where saliency_map_id = ?1 "
                + "and user_id = ?2").setParameter(1, mapId).setParameter(2, user).getResultList();
        if (handed.isEmpty()) {
            throw new Conflict("Map not handed to you", "Map " + mapId + " of sample " + sampleId
                    + " was never shown to you: a verdict judges a map the review page drew for you or that "
                    + "POST /api/projects/" + projectId + "/review/next handed you");
        }
        String text = comment == null || comment.isBlank() ? null : comment.strip();
        List<Object[]> existing = em.createNativeQuery("select id, version, verdict, comment from reviews where "
                + "saliency_map_id = ?1 and user_id = ?2").setParameter(1, mapId).setParameter(2, user).getResultList();
        if (existing.isEmpty()) {
            if (expectedVersion != null && expectedVersion != 0) {
                throw new Conflict("Verdict changed meanwhile", "Your verdict on this map was undone in "
                        + "another window; reload the sample");
            }
            em.createNativeQuery("insert into reviews (saliency_map_id, user_id, verdict, comment, sample_id, "
                            + "model_version_id, project_id, version) values (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1)")
                    .setParameter(1, mapId).setParameter(2, user).setParameter(3, v).setParameter(4, text)
                    .setParameter(5, sampleId).setParameter(6, modelId).setParameter(7, projectId).executeUpdate();
        } else {
            int version = ((Number) existing.get(0)[1]).intValue();
            // "saw none" (null or 0) against a stored verdict is as stale as an old version: another window made it
            if (expectedVersion == null || expectedVersion != version) {
                throw new Conflict("Verdict changed meanwhile", "Your verdict on this map is at version "
                        + version + ", you saw " + (expectedVersion == null || expectedVersion == 0 ? "none"
                        : "version " + expectedVersion) + " (another window?); reload the sample");
            }
            em.createNativeQuery("update reviews set verdict = ?2, comment = ?3, version = version + 1, updated_at = now() "
                    + "where id = ?1").setParameter(1, ((Number) existing.get(0)[0]).longValue()).setParameter(2, v)
                    .setParameter(3, text).executeUpdate();
        }
        em.createNativeQuery("delete from review_reservations where sample_id = ?1 and user_id = ?2")
                .setParameter(1, sampleId).setParameter(2, user).executeUpdate();
        Review saved = reviews("r.saliency_map_id = ?1 and r.user_id = ?2", mapId, user).get(0);
        audit.record(caller.username(), "review.verdict", "review:" + saved.id(), projectId, AuditLog.details(
                "sampleId", sampleId, "saliencyMapId", mapId, "modelId", modelId, "method", saved.method(),
                "verdict", v, "comment", text, "version", saved.version(),
                "handedAt", String.valueOf(PgTime.of(handed.get(0))),
                "previousVerdict", existing.isEmpty() ? null : existing.get(0)[2],
                "previousComment", existing.isEmpty() ? null : existing.get(0)[3]));
        changes.fire(new ReviewChanged(projectId));
        return saved;
    }

    /**
     * Records that a stored map of a sample was handed to (shown to) the caller, who may then judge
     * it. Handing the same map again changes nothing. 400 when the map is not one of the sample's.
     */
    @Transactional
    @SuppressWarnings("unchecked")
    public void handOut(Caller caller, long sampleId, long mapId) {
        List<Number> of = em.createNativeQuery("select sample_id from saliency_maps where id = ?1").setParameter(1, mapId)
                .getResultList();
        if (of.isEmpty()) {
            throw NotFound.of("Saliency map " + mapId);
        }
        if (of.get(0).longValue() != sampleId) {
            throw new Invalid("Map of another sample", "Map " + mapId + " is not a map of sample " + sampleId);
        }
        em.createNativeQuery("insert into review_handouts (saliency_map_id, user_id) values (?1, ?2) on conflict do nothing")
                .setParameter(1, mapId).setParameter(2, userId(caller)).executeUpdate();
    }

    /**
     * 409 unless the caller may judge the sample: they hold it, or fewer than the project's overlap
     * of other reviewers hold it or judged it (under the model; null: under any model).
     */
    private void requireTurn(long projectId, long sampleId, long user, Long modelId) {
        Object[] settings = settings(projectId);
        int overlap = ((Number) settings[0]).intValue();
        boolean mine = !em.createNativeQuery("select 1 from review_reservations where sample_id = ?1 and user_id = ?2 "
                + "and reserved_until > now()").setParameter(1, sampleId).setParameter(2, user).getResultList().isEmpty();
        if (mine) {
            return;
        }
        @SuppressWarnings("unchecked")
        List<String> others = em.createNativeQuery("select u.username from users u where u.id <> ?2 and (u.id in "
                        + "(select x.user_id from review_reservations x where x.sample_id = ?1 and x.reserved_until > now()) "
                        + "or u.id in (select r.user_id from reviews r where r.sample_id = ?1 and (cast(?3 as bigint) is null "
                        + "or r.model_version_id = ?3))) "
                        + "order by u.username")
                .setParameter(1, sampleId).setParameter(2, user).setParameter(3, modelId).getResultList();
        if (others.size() >= overlap) {
            throw new Conflict("Sample taken", "Sample " + sampleId + " is being reviewed by "
                    + String.join(", ", others) + " (this project asks for " + overlap + " reviewer"
                    + (overlap == 1 ? "" : "s") + " a sample); take the next one");
        }
    }

    /**
     * Undoes the caller's most recent verdict in a project: removed, and the sample reserved for
     * them again. Returns the review undone; empty when there is none.
     */
    @Transactional
    public Optional<Review> undoLast(Caller caller, long projectId) {
        long user = userId(caller);
        List<Review> last = reviews("r.project_id = ?1 and r.user_id = ?2 order by r.updated_at desc, r.id desc limit 1",
                projectId, user);
        if (last.isEmpty()) {
            return Optional.empty();
        }
        Review r = last.get(0);
        em.createNativeQuery("delete from reviews where id = ?1").setParameter(1, r.id()).executeUpdate();
        audit.record(caller.username(), "review.undo", "review:" + r.id(), projectId, AuditLog.details(
                "sampleId", r.sampleId(), "saliencyMapId", r.saliencyMapId(), "modelId", r.modelId(),
                "verdict", r.verdict(), "version", r.version()));
        reserve(projectId, r.sampleId(), user, ((Number) settings(projectId)[1]).intValue());
        changes.fire(new ReviewChanged(projectId));
        return Optional.of(r);
    }

    /** Every verdict on a sample, newest first. */
    @Transactional
    public List<Review> reviewsOf(long sampleId) {
        return reviews("r.sample_id = ?1 order by r.updated_at desc, r.id desc", sampleId);
    }

    /** The caller's verdict on a map, if any. */
    @Transactional
    public Optional<Review> mine(Caller caller, long mapId) {
        return reviews("r.saliency_map_id = ?1 and r.user_id = ?2", mapId, userId(caller)).stream().findFirst();
    }

    /** Every verdict in a project on a model version (null: all versions), oldest first. */
    @Transactional
    public List<Review> reviewsInProject(long projectId, Long modelId) {
        return modelId == null ? reviews("r.project_id = ?1 order by r.id", projectId)
                : reviews("r.project_id = ?1 and r.model_version_id = ?2 order by r.id", projectId, modelId);
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
    @SuppressWarnings("unchecked")
    public List<VerdictRecord> verdictRecords(long projectId, Long modelId, java.time.Instant from, java.time.Instant to) {
        List<Object[]> rows = em.createNativeQuery("select r.id, r.sample_id, r.saliency_map_id, r.model_version_id, "
                        + "m.method, u.username, r.verdict, r.comment, r.version, r.updated_at, u.role, s.label, "
                        + "p.predicted_label, p.confidence, s.split from reviews r join users u on u.id = r.user_id "
                        + "join saliency_maps m on m.id = r.saliency_map_id join samples s on s.id = r.sample_id "
                        + "left join predictions p on p.sample_id = r.sample_id and p.model_version_id = r.model_version_id "
                        + "where r.project_id = ?1 and (cast(?2 as bigint) is null or r.model_version_id = ?2) "
                        + "and (cast(?3 as timestamptz) is null or r.updated_at >= ?3) "
                        + "and (cast(?4 as timestamptz) is null or r.updated_at < ?4) order by r.updated_at, r.id")
                .setParameter(1, projectId).setParameter(2, modelId)
                .setParameter(3, from == null ? null : java.time.OffsetDateTime.ofInstant(from, java.time.ZoneOffset.UTC))
                .setParameter(4, to == null ? null : java.time.OffsetDateTime.ofInstant(to, java.time.ZoneOffset.UTC))
                .getResultList();
        List<VerdictRecord> out = new ArrayList<>(rows.size());
        for (Object[] r : rows) {
            Review review = new Review(((Number) r[0]).longValue(), ((Number) r[1]).longValue(), ((Number) r[2]).longValue(),
                    ((Number) r[3]).longValue(), (String) r[4], (String) r[5], (String) r[6], (String) r[7],
                    ((Number) r[8]).intValue(), PgTime.of(r[9]));
            out.add(new VerdictRecord(review, (String) r[10], ((Number) r[11]).intValue(),
                    r[12] == null ? null : ((Number) r[12]).intValue(), r[13] == null ? null : ((Number) r[13]).doubleValue(),
                    (String) r[14]));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private List<Review> reviews(String where, Object... params) {
        var q = em.createNativeQuery("select r.id, r.sample_id, r.saliency_map_id, r.model_version_id, m.method, u.username, "
                + "r.verdict, r.comment, r.version, r.updated_at from reviews r join users u on u.id = r.user_id "
                + "join saliency_maps m on m.id = r.saliency_map_id where " + where);
        for (int i = 0; i < params.length; i++) {
            q.setParameter(i + 1, params[i]);
        }
        List<Object[]> rows = q.getResultList();
        List<Review> out = new ArrayList<>();
        for (Object[] r : rows) {
            out.add(new Review(((Number) r[0]).longValue(), ((Number) r[1]).longValue(), ((Number) r[2]).longValue(),
                    ((Number) r[3]).longValue(), (String) r[4], (String) r[5], (String) r[6], (String) r[7],
                    ((Number) r[8]).intValue(), PgTime.of(r[9])));
        }
        return out;
    }

    /**
     * Saves a mask of a sample ({@code relevant} or {@code shortcut}) at image resolution. The
     * version is the one the caller loaded (0 when there was none); a newer stored version is a 409
     * naming who changed it. An all-zero mask clears it (kept with 0 pixels, so its version goes on).
     */
    @Transactional
    @SuppressWarnings("unchecked")
    public Optional<Annotation> annotate(Caller caller, long sampleId, String kind, byte[] mask, int expectedVersion) {
        String k = kind == null ? "" : kind.strip().toLowerCase(Locale.ROOT);
        if (!KINDS.contains(k)) {
            throw new Invalid("Invalid kind '" + kind + "'", "Use relevant or shortcut");
        }
        List<Object[]> size = em.createNativeQuery("select width, height from samples where id = ?1")
                .setParameter(1, sampleId).getResultList();
        if (size.isEmpty()) {
            throw NotFound.of("Sample " + sampleId);
        }
        int w = ((Number) size.get(0)[0]).intValue();
        int h = ((Number) size.get(0)[1]).intValue();
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
        long user = userId(caller);
        // one writer per sample at a time, also when no mask exists yet (two first saves must not both win)
        em.createNativeQuery("select pg_advisory_xact_lock(?1)").setParameter(1, sampleId).getSingleResult();
        Long projectId = ((Number) em.createNativeQuery("select project_id from samples where id = ?1")
                .setParameter(1, sampleId).getSingleResult()).longValue();
        // the masks of a sample that the overlap gave to other reviewers are theirs to paint, as its verdicts are
        requireTurn(projectId, sampleId, user, null);
        List<Object[]> current = em.createNativeQuery("select a.version, u.username from annotations a left join users u "
                + "on u.id = a.user_id where a.sample_id = ?1 and a.kind = ?2")
                .setParameter(1, sampleId).setParameter(2, k).getResultList();
        int stored = current.isEmpty() ? 0 : ((Number) current.get(0)[0]).intValue();
        if (stored != expectedVersion) {
            String who = current.isEmpty() ? "someone" : (String) current.get(0)[1];
            throw new Conflict("Annotation changed meanwhile", "The " + k + " mask of sample " + sampleId
                    + " was changed by " + who + " since you loaded it (version " + stored + ", yours "
                    + expectedVersion + "); reload the sample to see it before painting again");
        }
        // a cleared mask keeps its row (pixels 0) so its version keeps growing: a save from before the clear stays stale
        em.createNativeQuery("insert into annotations (sample_id, user_id, kind, mask, version, width, height, pixels) "
                        + "values (?1, ?2, ?3, ?4, 1, ?5, ?6, ?7) on conflict (sample_id, kind) do update set "
                        + "user_id = excluded.user_id, mask = excluded.mask, version = annotations.version + 1, "
                        + "width = excluded.width, height = excluded.height, pixels = excluded.pixels, updated_at = now()")
                .setParameter(1, sampleId).setParameter(2, user).setParameter(3, k).setParameter(4, mask)
                .setParameter(5, w).setParameter(6, h).setParameter(7, pixels).executeUpdate();
        Optional<Annotation> saved = annotations(sampleId).stream().filter(a -> a.kind().equals(k)).findFirst();
        audit.record(caller.username(), "annotation.save", "annotation:" + saved.map(Annotation::id).orElse(0L), projectId,
                AuditLog.details("sampleId", sampleId, "kind", k, "pixels", pixels, "width", w, "height", h,
                        "version", saved.map(Annotation::version).orElse(0), "maskSha256",
                        org.rationale.audit.AuditChain.sha256(mask)));
        return saved;
    }

    /** The masks of a sample, cleared ones (0 pixels) included so their versions are known. */
    @Transactional
    @SuppressWarnings("unchecked")
    public List<Annotation> annotations(long sampleId) {
        List<Object[]> rows = em.createNativeQuery("select a.id, a.kind, a.width, a.height, a.pixels, a.mask, a.version, "
                + "u.username, a.updated_at from annotations a left join users u on u.id = a.user_id where a.sample_id = ?1 "
                + "order by a.kind").setParameter(1, sampleId).getResultList();
        List<Annotation> out = new ArrayList<>();
        for (Object[] r : rows) {
            out.add(new Annotation(((Number) r[0]).longValue(), sampleId, (String) r[1], ((Number) r[2]).intValue(),
                    ((Number) r[3]).intValue(), ((Number) r[4]).intValue(), (byte[]) r[5], ((Number) r[6]).intValue(),
                    (String) r[7], PgTime.of(r[8])));
        }
        return out;
    }

    /** Counts for the progress line of the review page. */
    @Transactional
    public Progress progress(long projectId, Caller caller, long modelId, String split) {
        Object[] r = (Object[]) em.createNativeQuery("select (select count(*) from samples where project_id = ?1 and split = ?4), "
                        + "(select count(distinct sample_id) from reviews where project_id = ?1 and model_version_id = ?2 "
                        + "and user_id = ?3), (select count(distinct sample_id) from reviews where project_id = ?1 "
                        + "and model_version_id = ?2), (select count(*) from reviews where project_id = ?1 "
                        + "and model_version_id = ?2), (select count(*) from review_reservations where project_id = ?1 "
                        + "and reserved_until > now())")
                .setParameter(1, projectId).setParameter(2, modelId).setParameter(3, userId(caller)).setParameter(4, split)
                .getSingleResult();
        return new Progress(((Number) r[0]).longValue(), ((Number) r[1]).longValue(), ((Number) r[2]).longValue(),
                ((Number) r[3]).longValue(), ((Number) r[4]).longValue());
    }

    /** Agreement over the verdicts of a project on a model version (null: all), by map. */
    @Transactional
    public AgreementReport agreement(long projectId, Long modelId) {
        return agreementOf(reviewsInProject(projectId, modelId));
    }

    /** Agreement over the given verdicts, by map (the audit report passes the verdicts in its scope). */
    public static AgreementReport agreementOf(List<Review> verdicts) {
        List<Agreement.Rating> ratings = verdicts.stream()
                .map(r -> new Agreement.Rating("map " + r.saliencyMapId(), r.reviewer(), r.verdict())).toList();
        return new AgreementReport(ratings.size(), Agreement.pairwise(ratings), nullable(Agreement.krippendorffsAlpha(ratings)),
                nullable(Agreement.fleissKappa(ratings)), Agreement.disagreements(ratings));
    }

    /** Agreement statistics of a project, as the API and the agreement page show them. */
    public record AgreementReport(int verdicts, List<Agreement.PairAgreement> pairs, Double krippendorffsAlpha,
                                  Double fleissKappa, List<String> disagreements) {
    }

    private static Double nullable(java.util.OptionalDouble d) {
        return d.isPresent() ? d.getAsDouble() : null;
    }

    /** How many reviewers judge each sample and how long a reservation holds. */
    public record Settings(int overlap, int reservationMinutes) {
    }

    @Transactional
    public Settings settingsOf(long projectId) {
        Object[] s = settings(projectId);
        return new Settings(((Number) s[0]).intValue(), ((Number) s[1]).intValue());
    }

    /** Changes the review settings of a project (null leaves a value as it is). */
    @Transactional
    public Settings configure(long projectId, Integer overlap, Integer reservationMinutes) {
        Settings now = settingsOf(projectId);
        int o = overlap == null ? now.overlap() : overlap;
        int m = reservationMinutes == null ? now.reservationMinutes() : reservationMinutes;
        if (o < 1 || o > 10) {
            throw new Invalid("Invalid overlap " + o, "Between 1 and 10 reviewers a sample");
        }
        if (m < 1 || m > 1440) {
            throw new Invalid("Invalid reservation time " + m, "Between 1 and 1,440 minutes");
        }
        em.createNativeQuery("update projects set review_overlap = ?2, reservation_minutes = ?3 where id = ?1")
                .setParameter(1, projectId).setParameter(2, o).setParameter(3, m).executeUpdate();
        audit.record("project.review-settings", "project:" + projectId, projectId, AuditLog.details(
                "overlap", o, "reservationMinutes", m, "previousOverlap", now.overlap(),
                "previousReservationMinutes", now.reservationMinutes()));
        return new Settings(o, m);
    }

    private Object[] settings(long projectId) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("select review_overlap, reservation_minutes, queue_strategy from projects "
                        + "where id = ?1")
                .setParameter(1, projectId).getResultList();
        if (rows.isEmpty()) {
            throw NotFound.of("Project " + projectId);
        }
        return rows.get(0);
    }

    private long userId(Caller caller) {
        Number id = (Number) em.createNativeQuery("select id from users where username = ?1").setParameter(1, caller.username())
                .getSingleResult();
        return id.longValue();
    }
}
