package org.rationale.saliency;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.rationale.database.Owns;

/** All the SQL of stored saliency maps and sanity-check results. */
@ApplicationScoped
@Owns({"saliency_maps", "sanity_checks"})
public class MapStore {

    @Inject
    EntityManager em;
}
