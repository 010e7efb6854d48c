package org.rationale.worker;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.rationale.database.Owns;

/** All the SQL of jobs, their items and the workers that claim them (claims with SKIP LOCKED). */
@ApplicationScoped
@Owns({"jobs", "job_items", "workers"})
public class JobStore {

    @Inject
    EntityManager em;
}
