package org.rationale.worker;

import jakarta.enterprise.context.ApplicationScoped;
import org.rationale.security.ProjectScoped;

import java.util.Optional;

/** The project of a job, for access checks. */
@ApplicationScoped
public class JobScope implements ProjectScoped {

    private final JobStore store;

    JobScope(JobStore store) {
        this.store = store;
    }

    @Override
    public Thing thing() {
        return Thing.JOB;
    }

    @Override
    public Optional<Long> projectOf(long id) {
        return store.projectOf(id);
    }
}
