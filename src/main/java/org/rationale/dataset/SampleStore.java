package org.rationale.dataset;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Tuple;
import org.rationale.database.Owns;
import org.rationale.database.PgArray;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** All the SQL of datasets and their samples (bulk inserts, image bytes, pages of samples); returns records. */
@ApplicationScoped
@Owns({"datasets", "samples"})
public class SampleStore {

    @Inject
    EntityManager em;

    /** A sample's project and image size. */
    public record Frame(long projectId, int width, int height) {
    }

    /** The project and image size of a sample; empty when there is no such sample. */
    public Optional<Frame> frame(long sampleId) {
        List<Tuple> rows = em.createNativeQuery("select project_id, width, height from samples where id = ?1", Tuple.class)
                .setParameter(1, sampleId).getResultList();
        return rows.stream().findFirst().map(t -> new Frame(t.get("project_id", Number.class).longValue(),
                t.get("width", Number.class).intValue(), t.get("height", Number.class).intValue()));
    }

    /**
     * The review overlap rule on sample {@code s} for reviewer ?3 under model ?4 with overlap ?5:
     * fewer than ?5 other reviewers hold or judged it (for one reviewer a sample, the usual case, two
     * anti-joins that stop at the first row instead of two counts).
     */
    private static String openToReviewer(int overlap) {
        return overlap == 1 ? "not exists (select 1 from reviews r where r.sample_id = s.id "
                + "and r.model_version_id = ?4) and not exists (select 1 from review_reservations x where "
                + "x.sample_id = s.id and x.user_id <> ?3 and x.reserved_until > now()) and ?5 = 1 "
                : "not exists (select 1 from reviews r where r.sample_id = s.id and r.user_id = ?3 "
                + "and r.model_version_id = ?4) "
                + "and (select count(*) from review_reservations x where x.sample_id = s.id and x.user_id <> ?3 "
                + "and x.reserved_until > now()) + (select count(distinct r.user_id) from reviews r where "
                + "r.sample_id = s.id and r.model_version_id = ?4 and r.user_id <> ?3 and not exists (select 1 "
                + "from review_reservations x where x.sample_id = s.id and x.user_id = r.user_id "
                + "and x.reserved_until > now())) < ?5 ";
    }

    /**
     * The first sample of a split in the project's stored review queue (model, strategy) that the
     * reviewer has not judged and the overlap leaves to them, not among {@code skip}. (project,
     * model, strategy) is the queue key's prefix: a walk in position order, whatever the statistics say.
     */
    public Optional<Long> firstQueuedToReview(long projectId, String split, long user, long modelId, int overlap,
                                              Collection<Long> skip, String strategy) {
        List<Long> ids = em.createNativeQuery("select s.id from samples s join review_queue q on q.sample_id = s.id "
                        + "where q.project_id = ?1 and q.model_version_id = ?4 and q.strategy = ?7 and s.split = ?2 "
                        + "and not (s.id = any(cast(?6 as bigint[]))) and " + openToReviewer(overlap)
                        + "order by q.position limit 1", Long.class)
                .setParameter(1, projectId).setParameter(2, split).setParameter(3, user).setParameter(4, modelId)
                .setParameter(5, overlap).setParameter(6, PgArray.ofLongs(skip)).setParameter(7, strategy)
                .getResultList();
        return ids.stream().findFirst();
    }

    /** The first sample of a split in id order that the reviewer has not judged and the overlap leaves to them. */
    public Optional<Long> firstToReview(long projectId, String split, long user, long modelId, int overlap,
                                        Collection<Long> skip) {
        List<Long> ids = em.createNativeQuery("select s.id from samples s where s.project_id = ?1 and s.split = ?2 "
                        + "and not (s.id = any(cast(?6 as bigint[]))) and " + openToReviewer(overlap)
                        + "order by s.id limit 1", Long.class)
                .setParameter(1, projectId).setParameter(2, split).setParameter(3, user).setParameter(4, modelId)
                .setParameter(5, overlap).setParameter(6, PgArray.ofLongs(skip)).getResultList();
        return ids.stream().findFirst();
    }

    /** The first {@code size} training samples of a project in a fixed pseudo-random order (the scheduler's pool). */
    public List<Long> trainingPool(long projectId, int size) {
        return em.createNativeQuery("select id from samples where project_id = ?1 and split = 'train' "
                        + "order by hashtextextended(id::text, 7), id limit ?2", Long.class)
                .setParameter(1, projectId).setParameter(2, size).getResultList();
    }
}
