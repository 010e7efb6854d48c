package org.rationale.security;

import java.util.Optional;

/**
 * Finds the project a sample, model, job or dataset belongs to, so that {@link Access} can check
 * membership. The package owning those things provides one per kind (it depends on security, not
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
    Thing thing();

    /** The project of the thing with this id, if it exists. */
    Optional<Long> projectOf(long id);
}
