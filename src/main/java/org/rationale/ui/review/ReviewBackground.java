package org.rationale.ui.review;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.rationale.ui.BoundedTasks;

/**
 * The review pages' work off the request thread (a painted region's reliance test, a look ahead at
 * the next samples, the coalesced refresh of live counts): at most two tasks at a time and 64 waiting, shut down with the application.
 */
@ApplicationScoped
public class ReviewBackground extends BoundedTasks {

    /** Tasks running at once: a reliance test costs about a dozen forward passes. */
    static final int PARALLEL = 2;
    /** Tasks waiting at most; beyond that a task is refused. */
    static final int QUEUED = 64;

    ReviewBackground() {
        super(PARALLEL, QUEUED);
    }

    @PreDestroy
    void close() {
        shutdown();
    }
}
