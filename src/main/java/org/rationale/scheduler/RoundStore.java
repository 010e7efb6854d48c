package org.rationale.scheduler;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.rationale.database.Owns;

/** All the SQL of active-learning rounds and the ranked review queue. */
@ApplicationScoped
@Owns({"rounds", "review_queue"})
public class RoundStore {

    @Inject
    EntityManager em;
}
