package org.rationale.security;

import java.util.Optional;
import java.util.Set;

/**
 * Finds the project a sample, model, job or dataset belongs to, so that {@link Access} can check
 * membership. The store owning those things implements it (its package depends on security, not
 * the other way round).
 */
public interface ProjectScoped {

    /** The things that belong to a project, as error messages name them. */
    enum Thing {
        SAMPLE("Sample"),
        MODEL("Model"),
        JOB("Job"),
        DATASET("Dataset");

        private final String label;

        Thing(String label) {
            this.label = label;
        }

        /** The name in messages ("Sample 7"). */
        public String label() {
            return label;
        }
    }

    /** What this finds the project of. */
    Set<Thing> things();

    /** The project of the thing of this kind (one of {@link #things()}) with this id, if it exists. */
    Optional<Long> projectOf(Thing thing, long id);
}
