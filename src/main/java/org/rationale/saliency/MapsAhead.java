package org.rationale.saliency;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.rationale.error.Unavailable;

import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Maps computed ahead of the request that will want them (the next samples of a reviewer's queue):
 * one at a time on one thread, at most {@link #QUEUED} waiting (more are dropped: they are computed
 * when asked for), each once. A request for a default map and the look ahead share one computation
 * per map ({@link #once}): whichever asks second waits for the first, the map is never computed
 * twice at once. Stored through {@link MapStore}'s insert-if-absent, so a job that computed the same
 * map meanwhile leaves one stored map.
 */
@ApplicationScoped
class MapsAhead {

    /** Tasks waiting at most (a reviewer's next few samples, a few reviewers at a time). */
    static final int QUEUED = 24;
    /** How long a request waits at most for the same map being computed elsewhere. */
    static final long JOIN_SECONDS = 30;

    /** The default map of a sample under a model version by a method: target predicted, default parameters. */
    record Ahead(long sampleId, long modelId, String method) {
    }

    private final KeyedBackground<Object, SaliencyMap> work = new KeyedBackground<>("maps-ahead", 1, QUEUED);
    private final long joinMillis;

    MapsAhead() {
        this(JOIN_SECONDS * 1000);
    }

    /** With another bound on a request's wait for a map computed elsewhere (tests). */
    MapsAhead(long joinMillis) {
        this.joinMillis = joinMillis;
    }

    /** Queues the work under its key unless it waits or runs already; false when the queue is full. */
    boolean submit(Object key, Supplier<SaliencyMap> task) {
        return work.submit(key, task, false).isPresent();
    }

    /**
     * The default map of a sample, computed once: when the same map is being computed (ahead, or
     * for another request) this waits for it, at most {@link #JOIN_SECONDS} (work that still waits
     * for the background thread runs here at once); else {@code compute} runs here under the key, so
     * that a look ahead or a request asking for the same map meanwhile waits for this one.
     *
     * @throws Unavailable when the map computed elsewhere has not come in time (it is not computed a
     *                     second time; asking again finds it stored)
     */
    SaliencyMap once(Ahead key, Supplier<SaliencyMap> compute) {
        try {
            return work.runHere(key, compute, joinMillis);
        } catch (TimeoutException e) {
            throw busy(key);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw busy(key);
        }
    }

    private Unavailable busy(Ahead key) {
        return new Unavailable("Map still being computed", "The " + key.method() + " map of sample " + key.sampleId()
                + " is being computed for a reviewer and was not ready within " + joinMillis / 1000
                + " s; ask again in a moment");
    }

    @PreDestroy
    void close() {
        work.shutdown();
    }
}
