package org.rationale.audit;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import org.rationale.database.EmbeddedDatabase;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;
import org.rationale.config.RationaleConfig;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Writes the signed head of the chain to the anchor folder: at start, every
 * {@code rationale.audit.anchor-interval} when the head moved, at every report export (the report
 * package calls {@link AuditLog#anchorHead()}) and at shutdown. Only the server role anchors; every
 * role signs the events it appends, so every process that writes to one database must hold the
 * same key.
 */
@ApplicationScoped
public class AnchorSchedule {

    private static final Logger LOG = Logger.getLogger(AnchorSchedule.class);

    private final AuditLog log;
    private final RationaleConfig config;
    private ScheduledExecutorService timer;

    AnchorSchedule(AuditLog log, RationaleConfig config) {
        this.log = log;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        AuditKey key = log.key();
        LOG.infof("Audit key %s from %s%s; anchors in %s", key.id(), key.source(), key.generated() ? " (generated now)" : "",
                log.settings().anchorDir().toAbsolutePath());
        if (!"server".equals(config.role())) {
            if (key.generated()) {
                LOG.warnf("This %s generated its own audit key: the events it records will fail verification unless "
                        + "every server and worker on this database share one key (set RATIONALE_AUDIT_KEY, or "
                        + "RATIONALE_AUDIT_KEY_FILE to a copy of the server's key file)", config.role());
            }
            return;
        }
        anchor();
        // the embedded database stays up for the last anchor at shutdown
        EmbeddedDatabase.expectShutdownWork();
        long every = Math.max(1, log.settings().anchorInterval().toMillis());
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "audit-anchor");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::anchor, every, every, TimeUnit.MILLISECONDS);
    }

    /** First of the shutdown observers: the head is anchored before workers and timers wind down. */
    void onStop(@Observes @Priority(1) ShutdownEvent event) {
        if (timer != null) {
            timer.shutdownNow();
            try {
                anchor();
            } finally {
                EmbeddedDatabase.shutdownWorkDone();
            }
        }
    }

    private void anchor() {
        try {
            log.anchorHead().ifPresent(a -> LOG.debugf("Audit anchor %s written", a.file()));
        } catch (RuntimeException e) {
            LOG.warnf("Could not anchor the audit trail (the next try follows): %s", e.getMessage());
        }
    }
}
