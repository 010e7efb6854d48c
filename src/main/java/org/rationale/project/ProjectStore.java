package org.rationale.project;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Tuple;
import org.rationale.database.Owns;

import java.util.List;
import java.util.Optional;

/** All the SQL of projects, their classes and members; returns entities and records. */
@ApplicationScoped
@Owns({"projects", "project_classes", "project_members"})
public class ProjectStore {

    @Inject
    EntityManager em;

    /**
     * How a project's samples are reviewed: reviewers a sample, minutes a reservation holds, and
     * the review queue's strategy, weights (JSON, null: defaults), saliency method and pool size.
     */
    public record ReviewSettings(int overlap, int reservationMinutes, String queueStrategy, String queueWeights,
                                 String queueMethod, int queuePool) {
    }

    /** The review and queue settings of a project; empty when there is no such project. */
    public Optional<ReviewSettings> reviewSettings(long projectId) {
        List<Tuple> rows = em.createNativeQuery("select review_overlap, reservation_minutes, queue_strategy, queue_weights, "
                + "queue_method, queue_pool from projects where id = ?1", Tuple.class).setParameter(1, projectId)
                .getResultList();
        return rows.stream().findFirst().map(t -> new ReviewSettings(t.get("review_overlap", Number.class).intValue(),
                t.get("reservation_minutes", Number.class).intValue(), t.get("queue_strategy", String.class),
                t.get("queue_weights", String.class), t.get("queue_method", String.class),
                t.get("queue_pool", Number.class).intValue()));
    }

    /** Sets how many reviewers judge a sample and how long a reservation holds. */
    public void setReview(long projectId, int overlap, int reservationMinutes) {
        em.createNativeQuery("update projects set review_overlap = ?2, reservation_minutes = ?3 where id = ?1")
                .setParameter(1, projectId).setParameter(2, overlap).setParameter(3, reservationMinutes).executeUpdate();
    }

    /** Sets how the review queue is ordered: strategy, weights (JSON), saliency method and pool size. */
    public void setQueue(long projectId, String strategy, String weights, String method, int pool) {
        em.createNativeQuery("update projects set queue_strategy = ?2, queue_weights = ?3, queue_method = ?4, "
                        + "queue_pool = ?5 where id = ?1").setParameter(1, projectId).setParameter(2, strategy)
                .setParameter(3, weights).setParameter(4, method).setParameter(5, pool).executeUpdate();
    }

    /** Sets the strategy of the review queue alone (a round starting with its own). */
    public void setQueueStrategy(long projectId, String strategy) {
        em.createNativeQuery("update projects set queue_strategy = ?2 where id = ?1").setParameter(1, projectId)
                .setParameter(2, strategy).executeUpdate();
    }
}
