package org.rationale.dataset;

import jakarta.enterprise.context.ApplicationScoped;
import org.rationale.security.ProjectScoped;

import java.util.Optional;

/** The project of a dataset, for access checks. */
@ApplicationScoped
public class DatasetScope implements ProjectScoped {

    private final SampleStore store;

    DatasetScope(SampleStore store) {
        this.store = store;
    }

    @Override
    public Thing thing() {
        return Thing.DATASET;
    }

    @Override
    public Optional<Long> projectOf(long id) {
        return store.projectOfDataset(id);
    }
}
