package org.rationale.ui.model;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.rationale.ui.BoundedTasks;

/**
 * Measurements the model upload page makes after a version is stored (its accuracy on the project's
 * test samples: a forward pass each), off the UI thread so the page answers at once: one at a time and
 * a few waiting; beyond that the page says it was not measured.
 */
@ApplicationScoped
public class UploadBackground extends BoundedTasks {

    UploadBackground() {
        super(1, 8);
    }

    @PreDestroy
    void close() {
        shutdown();
    }
}
