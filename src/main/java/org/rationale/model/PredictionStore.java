package org.rationale.model;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.rationale.database.Owns;

/** All the SQL of stored predictions (one per sample and model version). */
@ApplicationScoped
@Owns({"predictions"})
public class PredictionStore {

    @Inject
    EntityManager em;
}
