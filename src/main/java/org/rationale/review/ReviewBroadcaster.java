package org.rationale.review;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import org.jboss.logging.Logger;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Tells every open review page of a project that its review changed, once the change is
 * committed, so counts and progress stay live for everyone (the pages push the update to their
 * browsers). Listeners register while their page is open and must not block.
 */
@ApplicationScoped
public class ReviewBroadcaster {

    private static final Logger LOG = Logger.getLogger(ReviewBroadcaster.class);

    private final Map<Long, Set<Consumer<ReviewChanged>>> listeners = new ConcurrentHashMap<>();

    /** Registers a listener for a project; run the returned action to unregister. */
    public Runnable register(long projectId, Consumer<ReviewChanged> listener) {
        listeners.computeIfAbsent(projectId, p -> ConcurrentHashMap.newKeySet()).add(listener);
        return () -> listeners.getOrDefault(projectId, Set.of()).remove(listener);
    }

    void onChange(@Observes(during = TransactionPhase.AFTER_SUCCESS) ReviewChanged change) {
        for (Consumer<ReviewChanged> l : listeners.getOrDefault(change.projectId(), Set.of())) {
            try {
                l.accept(change);
            } catch (RuntimeException e) {
                LOG.debug("A review page could not be told of a change: " + e.getMessage());
            }
        }
    }
}
