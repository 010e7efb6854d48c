package org.rationale.model;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.rationale.database.Owns;

import java.util.List;
import java.util.Optional;

/** All the SQL of model versions and their artifacts, among them the latest model of a project. */
@ApplicationScoped
@Owns({"model_versions", "model_artifacts"})
public class ModelStore {

    @Inject
    EntityManager em;

    /** The model version a feedback round retrains (the parent of the version it trains), if the round exists. */
    @Transactional
    public Optional<Long> retrainedBy(long roundId) {
        List<?> ids = em.createNativeQuery("select m.id from model_versions m join rounds r on r.model_version_id = m.id "
                + "where r.id = ?1").setParameter(1, roundId).getResultList();
        return ids.stream().findFirst().map(id -> ((Number) id).longValue());
    }

    /** The project of a model version, if it exists. */
    @Transactional
    public Optional<Long> projectOf(long modelId) {
        List<?> ids = em.createNativeQuery("select project_id from model_versions where id = ?1").setParameter(1, modelId)
                .getResultList();
        return ids.stream().findFirst().map(id -> ((Number) id).longValue());
    }
}
