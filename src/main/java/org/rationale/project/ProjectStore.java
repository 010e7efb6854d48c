package org.rationale.project;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.rationale.database.Owns;

/** All the SQL of projects, their classes and members; returns entities and records. */
@ApplicationScoped
@Owns({"projects", "project_classes", "project_members"})
public class ProjectStore {

    @Inject
    EntityManager em;

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
}
