package org.rationale.web;

import java.util.Locale;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.rationale.config.RationaleConfig;

/**
 * In the worker role the process serves only health and metrics ({@code /q/health}, {@code /q/metrics});
 * the UI and the API answer 404 there, so a worker can run anywhere without exposing them.
 */
@ApplicationScoped
public class WorkerRoleFilter {

    void register(@Observes Filters filters, RationaleConfig config) {
        String role = config.role().strip().toLowerCase(Locale.ROOT);
        if (!role.equals("server") && !role.equals("worker")) {
            throw new IllegalStateException("rationale.role must be server or worker, not '" + config.role() + "'");
        }
        if (!role.equals("worker")) {
            return;
        }
        filters.register(rc -> {
            String path = rc.normalizedPath();
            if (path.startsWith("/q/health") || path.startsWith("/q/metrics")) {
                rc.next();
                return;
            }
            rc.response().setStatusCode(404).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end(new JsonObject().put("error", "Not served by a worker")
                            .put("detail", "This process runs with rationale.role=worker: only /q/health and /q/metrics")
                            .encode());
        }, 2000);
    }
}
