package org.rationale.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.rationale.database.Owns;

/** All the SQL of user accounts. */
@ApplicationScoped
@Owns({"users"})
public class AccountStore {

    @Inject
    EntityManager em;

    /** The id of an account by its username (the account must exist). */
    public long idOf(String username) {
        return (Long) em.createNativeQuery("select id from users where username = ?1", Long.class).setParameter(1, username)
                .getSingleResult();
    }
}
