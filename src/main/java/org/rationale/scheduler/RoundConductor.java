package org.rationale.scheduler;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;
import org.rationale.config.RationaleConfig;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Moves feedback rounds on when their jobs end: every two seconds on the server (not on pure workers). */
@ApplicationScoped
public class RoundConductor {

    private static final Logger LOG = Logger.getLogger(RoundConductor.class);

    private final RoundService rounds;
    private final RationaleConfig config;
    private ScheduledExecutorService timer;

    RoundConductor(RoundService rounds, RationaleConfig config) {
        this.rounds = rounds;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        if (config.role().strip().equalsIgnoreCase("worker")) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "round-conductor");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                rounds.advance();
            } catch (RuntimeException e) {
                LOG.warn("Advancing rounds failed; trying again shortly", e);
            }
        }, 2, 2, TimeUnit.SECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
