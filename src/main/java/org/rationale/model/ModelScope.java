package org.rationale.model;

import jakarta.enterprise.context.ApplicationScoped;
import org.rationale.security.ProjectScoped;

import java.util.Optional;

/** The project of a model version, for access checks. */
@ApplicationScoped
public class ModelScope implements ProjectScoped {

    private final ModelStore store;

    ModelScope(ModelStore store) {
        this.store = store;
    }

    @Override
    public Thing thing() {
        return Thing.MODEL;
    }

    @Override
    public Optional<Long> projectOf(long id) {
        return store.projectOf(id);
    }
}
