package org.rationale.project;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Tuple;
import jakarta.transaction.Transactional;
import org.rationale.database.Owns;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * All the SQL of the tables {@code projects}, {@code project_classes} (the class names by label,
 * mapped by {@link Project#classNames}) and {@code project_members} (who may see a project):
 * lookups, name checks, the import lock and the first member of a new project. Returns entities and
 * records.
 */
@ApplicationScoped
@Owns({"projects", "project_classes", "project_members"})
public class ProjectStore {

    @Inject
    EntityManager em;

    /** A user made a member of a project, with the role they have. */
    public record Member(long userId, String role) {
    }

    /** Whether a project has this name, ignoring case. */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean nameTaken(String name) {
        return Project.count("lower(name) = lower(?1)", name) > 0;
    }

    /** Stores a new project and reads back what the database filled in (its id and creation time). */
    @Transactional(Transactional.TxType.MANDATORY)
    public void insert(Project p) {
        p.persist();
        em.flush();
        em.refresh(p);
    }

    /** Makes the named user a member of the project; empty when there is no such user. */
    @Transactional(Transactional.TxType.MANDATORY)
    public List<Member> addMember(long projectId, String username) {
        @SuppressWarnings("unchecked")
        List<Tuple> rows = em.createNativeQuery("insert into project_members (project_id, user_id) select ?1, id "
                        + "from users where username = ?2 returning user_id, "
                        + "(select role from users where username = ?2) as role", Tuple.class)
                .setParameter(1, projectId).setParameter(2, username).getResultList();
        List<Member> out = new ArrayList<>(rows.size());
        for (Tuple t : rows) {
            out.add(new Member(t.get("user_id", Long.class), t.get("role", String.class)));
        }
        return out;
    }

    @Transactional
    public Optional<Project> find(long id) {
        return Project.findByIdOptional(id);
    }

    @Transactional
    public Optional<Project> findByName(String name) {
        return Project.find("name", name).firstResultOptional();
    }

    /** Every project, by id. */
    @Transactional
    public List<Project> list() {
        return Project.list("order by id");
    }

    /** The projects with these ids, by id. */
    @Transactional
    public List<Project> list(Collection<Long> ids) {
        return ids.isEmpty() ? List.of() : Project.list("id in ?1 order by id", new ArrayList<>(ids));
    }

    /** The projects the user is a member of, by id. */
    @Transactional
    @SuppressWarnings("unchecked")
    public List<Project> memberOf(String username) {
        return em.createNativeQuery("select p.* from projects p join project_members m on m.project_id = p.id "
                        + "join users u on u.id = m.user_id where u.username = ?1 order by p.id", Project.class)
                .setParameter(1, username).getResultList();
    }

    /** The project locked for the rest of the transaction; null when there is none. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Project lock(long id) {
        return em.find(Project.class, id, LockModeType.PESSIMISTIC_WRITE);
    }

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

    /** Whether the project exists. */
    @Transactional
    public boolean exists(long projectId) {
        return !em.createNativeQuery("select 1 from projects where id = ?1").setParameter(1, projectId).getResultList()
                .isEmpty();
    }

    /** Makes a user a member of a project; false when they were one already. */
    @Transactional
    public boolean addMember(long projectId, long userId) {
        return em.createNativeQuery("insert into project_members (project_id, user_id) values (?1, ?2) "
                + "on conflict do nothing").setParameter(1, projectId).setParameter(2, userId).executeUpdate() > 0;
    }

    /** Ends a membership; false when there was none. */
    @Transactional
    public boolean removeMember(long projectId, long userId) {
        return em.createNativeQuery("delete from project_members where project_id = ?1 and user_id = ?2")
                .setParameter(1, projectId).setParameter(2, userId).executeUpdate() > 0;
    }

    /** The project's chosen current model version (its id), if one was chosen. */
    @Transactional
    public Optional<Long> currentModelId(long projectId) {
        List<?> ids = em.createNativeQuery("select current_model_id from projects where id = ?1")
                .setParameter(1, projectId).getResultList();
        return ids.stream().filter(id -> id != null).findFirst().map(id -> ((Number) id).longValue());
    }

    /** Makes a model version the project's current one. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void setCurrentModel(long projectId, long modelId) {
        em.createNativeQuery("update projects set current_model_id = ?2 where id = ?1").setParameter(1, projectId)
                .setParameter(2, modelId).executeUpdate();
    }
}
