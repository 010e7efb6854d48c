package org.rationale.model;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.rationale.database.Owns;

/** All the SQL of model versions and their artifacts, among them the latest model of a project. */
@ApplicationScoped
@Owns({"model_versions", "model_artifacts"})
public class ModelStore {

    @Inject
    EntityManager em;
}
