package org.rationale.worker;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Liveness is DOWN while a configured worker thread of this process is not running (it died, say of
 * an OutOfMemoryError, and waits for its restart): a process whose workers keep dying is restarted
 * by its orchestrator instead of claiming to be well.
 *
 * <p>The engine self-check is reported as data, not as DOWN: {@code selfChecks} (maps computed twice),
 * {@code selfCheckDisagreements} (checked batches that came out different the second time)
 * and {@code selfCheck} ({@code passed} or {@code failed}, then {@code unreliable} says why). A worker
 * whose self-check failed has already stopped claiming; a restart forced by DOWN would only let it
 * claim again on the same engine, and store more maps before the next check catches the next wrong one.
 */
@Liveness
@ApplicationScoped
public class WorkerLiveness implements HealthCheck {

    private final WorkerPool pool;

    WorkerLiveness(WorkerPool pool) {
        this.pool = pool;
    }

    @Override
    public HealthCheckResponse call() {
        WorkerPool.Health h = pool.health();
        var response = HealthCheckResponse.named("worker-threads").status(h.up())
                .withData("threads", h.threads()).withData("alive", h.alive()).withData("restarts", h.restarts());
        if (h.lastDeath() != null) {
            response.withData("lastDeath", h.lastDeath());
        }
        response.withData("selfChecks", h.selfChecks()).withData("selfCheckDisagreements", h.disagreements())
                .withData("selfCheck", h.unreliable() == null ? "passed" : "failed");
        if (h.unreliable() != null) {
            // the probe is anonymous: the reason (methods, samples) is on the Jobs page's workers table
            response.withData("unreliable", "claims nothing more; the reason is on the Jobs page's workers table");
        }
        return response.build();
    }
}
