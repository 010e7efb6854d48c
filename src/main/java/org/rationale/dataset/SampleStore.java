package org.rationale.dataset;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.rationale.database.Owns;

/** All the SQL of datasets and their samples (bulk inserts, image bytes, pages of samples); returns records. */
@ApplicationScoped
@Owns({"datasets", "samples"})
public class SampleStore {

    @Inject
    EntityManager em;
}
