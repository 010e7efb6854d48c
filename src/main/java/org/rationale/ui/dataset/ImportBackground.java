package org.rationale.ui.dataset;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.context.ManagedExecutor;
import org.eclipse.microprofile.context.ThreadContext;

import java.util.concurrent.RejectedExecutionException;

/**
 * Checks and imports started from the import page, off the UI thread so the page keeps showing their
 * progress: at most two at a time and a few waiting; beyond that a task is refused, never queued
 * without bound. Imports into one project run one after another anyway (the import locks it).
 */
@ApplicationScoped
public class ImportBackground {

    /** Tasks running at once: each decodes and stores images as fast as a core allows. */
    static final int PARALLEL = 2;
    /** Tasks waiting at most. */
    static final int QUEUED = 8;

    private final ManagedExecutor executor = ManagedExecutor.builder().maxAsync(PARALLEL).maxQueued(QUEUED)
            .propagated(ThreadContext.NONE).cleared(ThreadContext.ALL_REMAINING).build();

    /** Runs the task soon; false when too many are waiting (the task will not run). */
    public boolean run(Runnable task) {
        try {
            executor.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    @PreDestroy
    void close() {
        executor.shutdownNow();
    }
}
