package org.rationale.ui.dataset;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.rationale.ui.BoundedTasks;

/**
 * Checks and imports started from the import page, off the UI thread so the page keeps showing their
 * progress: at most two at a time and a few waiting; beyond that a task is refused, never queued
 * without bound. Imports into one project run one after another anyway (the import locks it).
 */
@ApplicationScoped
public class ImportBackground extends BoundedTasks {

    /** Tasks running at once: each decodes and stores images as fast as a core allows. */
    static final int PARALLEL = 2;
    /** Tasks waiting at most. */
    static final int QUEUED = 8;

    ImportBackground() {
        super(PARALLEL, QUEUED);
    }

    @PreDestroy
    void close() {
        shutdown();
    }
}
