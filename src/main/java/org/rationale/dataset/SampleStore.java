package org.rationale.dataset;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.rationale.database.Owns;

import java.util.List;
import java.util.Optional;

/** All the SQL of datasets and their samples (bulk inserts, image bytes, pages of samples); returns records. */
@ApplicationScoped
@Owns({"datasets", "samples"})
public class SampleStore {

    @Inject
    EntityManager em;

    /** The project of a sample, if it exists. */
    @Transactional
    public Optional<Long> projectOfSample(long sampleId) {
        List<?> ids = em.createNativeQuery("select project_id from samples where id = ?1").setParameter(1, sampleId)
                .getResultList();
        return ids.stream().findFirst().map(id -> ((Number) id).longValue());
    }

    /** The project of a dataset, if it exists. */
    @Transactional
    public Optional<Long> projectOfDataset(long datasetId) {
        List<?> ids = em.createNativeQuery("select project_id from datasets where id = ?1").setParameter(1, datasetId)
                .getResultList();
        return ids.stream().findFirst().map(id -> ((Number) id).longValue());
    }
}
