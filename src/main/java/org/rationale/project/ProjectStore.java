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
}
