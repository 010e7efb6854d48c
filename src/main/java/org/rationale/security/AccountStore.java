package org.rationale.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.rationale.database.Owns;

import java.util.List;
import java.util.Optional;

/**
 * All the SQL of user accounts, among them the reads of which projects a user belongs to (the
 * memberships themselves are written by the project package, see {@link ProjectMembers}).
 */
@ApplicationScoped
@Owns({"users"})
public class AccountStore {

    private final EntityManager em;

    AccountStore(EntityManager em) {
        this.em = em;
    }

    /** A user by id. */
    @Transactional
    public Optional<UserAccount> find(long id) {
        return UserAccount.findByIdOptional(id);
    }

    /** A user by name. */
    @Transactional
    public Optional<UserAccount> byUsername(String username) {
        return UserAccount.<UserAccount>find("username", username).firstResultOptional();
    }

    /** Whether a user of this name exists. */
    @Transactional
    public boolean exists(String username) {
        return UserAccount.count("username", username) > 0;
    }

    /** Every user, by name. */
    @Transactional
    public List<UserAccount> all() {
        return UserAccount.list("order by username");
    }

    /** Enabled admins, counted. */
    @Transactional
    public long enabledAdmins() {
        return UserAccount.count("role = ?1 and enabled = true", Role.ADMIN);
    }

    /** Locks the rows of the enabled admins until the transaction ends, so that two changes cannot leave none. */
    @Transactional
    public void lockEnabledAdmins() {
        em.createNativeQuery("select id from users where role = 'admin' and enabled for update").getResultList();
    }

    /** The members of a project, by username. */
    @Transactional
    @SuppressWarnings("unchecked")
    public List<UserAccount> members(long projectId) {
        return em.createNativeQuery("select u.* from users u join project_members m on m.user_id = u.id "
                + "where m.project_id = ?1 order by u.username", UserAccount.class).setParameter(1, projectId).getResultList();
    }

    /** Ids of the projects a user belongs to, ascending. */
    @Transactional
    public List<Long> projectIdsOf(String username) {
        return longs(em.createNativeQuery("select m.project_id from users u join project_members m on u.id = m.user_id "
                + "where u.username = ?1 order by m.project_id").setParameter(1, username).getResultList());
    }

    /** Ids of the projects a user belongs to, ascending. */
    @Transactional
    public List<Long> projectIdsOf(long userId) {
        return longs(em.createNativeQuery("select m.project_id from users u join project_members m on u.id = m.user_id "
                + "where u.id = ?1 order by m.project_id").setParameter(1, userId).getResultList());
    }

    /** Whether a user belongs to a project. */
    @Transactional
    public boolean isMember(String username, long projectId) {
        return !em.createNativeQuery("select 1 from users u join project_members m on u.id = m.user_id "
                        + "where u.username = ?1 and m.project_id = ?2").setParameter(1, username)
                .setParameter(2, projectId).getResultList().isEmpty();
    }

    private static List<Long> longs(List<?> values) {
        return values.stream().map(v -> ((Number) v).longValue()).toList();
    }

    /** The id of an account by its username (the account must exist). */
    public long idOf(String username) {
        return (Long) em.createNativeQuery("select id from users where username = ?1", Long.class).setParameter(1, username)
                .getSingleResult();
    }
}
