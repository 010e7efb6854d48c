package org.rationale.dataset;

import jakarta.enterprise.context.ApplicationScoped;
import org.rationale.security.ProjectScoped;

import java.util.Optional;

/** The project of a sample, for access checks. */
@ApplicationScoped
public class SampleScope implements ProjectScoped {

    private final SampleStore store;

    SampleScope(SampleStore store) {
        this.store = store;
    }

    @Override
    public Thing thing() {
        return Thing.SAMPLE;
    }

    @Override
    public Optional<Long> projectOf(long id) {
        return store.projectOfSample(id);
    }
}
