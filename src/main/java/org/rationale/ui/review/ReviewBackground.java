package org.rationale.ui.review;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.context.ManagedExecutor;
import org.eclipse.microprofile.context.ThreadContext;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The review pages' work off the request thread (a map's deletion/insertion curves, the coalesced
 * refresh of live counts): one managed executor on the application's worker pool, at most two tasks at
 * a time and a bounded queue, shut down with the application. A task that does not fit is refused, never
 * queued without bound.
 */
@ApplicationScoped
public class ReviewBackground {

    /** Tasks running at once: the curves cost tens of forward passes each. */
    static final int PARALLEL = 2;
    /** Tasks waiting at most; beyond that a task is refused. */
    static final int QUEUED = 64;

    private final ManagedExecutor executor = ManagedExecutor.builder().maxAsync(PARALLEL).maxQueued(QUEUED)
            .propagated(ThreadContext.NONE).cleared(ThreadContext.ALL_REMAINING).build();

    /** Runs the task soon; false when the queue is full (the task will not run). */
    public boolean run(Runnable task) {
        try {
            executor.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** Runs the task after the delay, or {@code refused} (on the timer's thread: keep it short) when the queue is full. */
    public void after(Duration delay, Runnable task, Runnable refused) {
        CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS, Runnable::run).execute(() -> {
            if (!run(task)) {
                refused.run();
            }
        });
    }

    @PreDestroy
    void close() {
        executor.shutdownNow();
    }
}
