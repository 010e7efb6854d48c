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
}
