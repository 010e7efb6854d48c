package org.rationale.review;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.rationale.database.Owns;

/** All the SQL of verdicts, annotation masks, reservations and hand-outs of a review session. */
@ApplicationScoped
@Owns({"annotations", "reviews", "review_handouts", "review_reservations"})
public class ReviewStore {

    @Inject
    EntityManager em;
}
