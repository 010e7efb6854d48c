package org.rationale.ui;

import org.eclipse.microprofile.context.ManagedExecutor;
import org.eclipse.microprofile.context.ThreadContext;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Work that pages start off the UI thread: a managed executor on the application's worker pool with
 * a bound on the tasks running at once and on those waiting. A task that does not fit is refused,
 * never queued without bound. Each page's background is one application-scoped subclass that says
 * its bounds and shuts its executor down with the application.
 */
public abstract class BoundedTasks {

    private final ManagedExecutor executor;

    protected BoundedTasks(int parallel, int queued) {
        executor = ManagedExecutor.builder().maxAsync(parallel).maxQueued(queued)
                .propagated(ThreadContext.NONE).cleared(ThreadContext.ALL_REMAINING).build();
    }

    /** Runs the task soon; false when too many are waiting (the task will not run). */
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

    /** Stops the running tasks and drops the waiting ones. */
    protected void shutdown() {
        executor.shutdownNow();
    }
}
