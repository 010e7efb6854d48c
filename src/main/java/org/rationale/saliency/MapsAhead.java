package org.rationale.saliency;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Maps computed ahead of the request that will want them (the next samples of a reviewer's queue):
 * one at a time on one thread, at most {@link #QUEUED} waiting (more are dropped: they are computed
 * when asked for), each once; a request for a map being computed ahead waits for it instead of
 * computing it again. Stored through {@link MapStore}'s insert-if-absent, so a job that computed
 * the same map meanwhile leaves one stored map.
 */
@ApplicationScoped
class MapsAhead {

    /** Tasks waiting at most (a reviewer's next few samples, a few reviewers at a time). */
    static final int QUEUED = 24;
    /** How long a request waits for the map being computed ahead before computing it itself. */
    private static final long JOIN_SECONDS = 30;

    /** The default map of a sample under a model version by a method: target predicted, default parameters. */
    record Ahead(long sampleId, long modelId, String method) {
    }

    private final KeyedBackground<Object, Object> work = new KeyedBackground<>("maps-ahead", 1, QUEUED);

    /** Queues the work under its key unless it waits or runs already; false when the queue is full. */
    boolean submit(Object key, Supplier<Object> task) {
        return work.submit(key, task, false).isPresent();
    }

    /**
     * The map being computed ahead under this key, if one is: computed on the caller's thread now when
     * it still waits for the background, else waited for (a bounded time).
     */
    void join(Ahead key) {
        Optional<CompletableFuture<Object>> running = work.hurry(key);
        if (running.isEmpty()) {
            return;
        }
        try {
            running.get().get(JOIN_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // the request computes the map itself
        }
    }

    @PreDestroy
    void close() {
        work.shutdown();
    }
}
