package org.rationale.web;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;
import org.rationale.config.RationaleConfig;

import java.util.UUID;

/**
 * Answers failures of the HTTP layer that no REST exception mapper sees with a JSON {@link ApiError}:
 * a body sent without a length that grows over the backstop ({@code quarkus.http.limits.max-body-size})
 * is a 413, and an {@link Error} (out of memory, a stack overflow) a 500 that carries only an error id.
 */
@ApplicationScoped
public class RouterFailures {

    private static final Logger LOG = Logger.getLogger(RouterFailures.class);

    void register(@Observes Router router, RationaleConfig config) {
        long backstop = config.upload().backstopSize().asLongValue();
        router.route().order(Integer.MIN_VALUE).failureHandler(rc -> handle(rc, backstop));
    }

    private static void handle(RoutingContext rc, long backstop) {
        if (rc.response().headWritten()) {
            rc.next();
            return;
        }
        if (rc.statusCode() == 413) {
            rc.response().putHeader(HttpHeaders.CONNECTION, "close");
            answer(rc, 413, "Upload too large", "The request body grew over " + UploadLimit.describe(backstop)
                    + ", the limit for bodies sent without a length, set by rationale.upload.backstop-size");
            return;
        }
        if (rc.failure() instanceof Error e) {
            String id = UUID.randomUUID().toString();
            LOG.errorf(e, "Unexpected error %s on %s %s", id, rc.request().method(), rc.normalizedPath());
            answer(rc, 500, "Internal error", "Error id " + id + "; the server log has the details");
            return;
        }
        rc.next();
    }

    private static void answer(RoutingContext rc, int status, String error, String detail) {
        rc.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(new JsonObject().put("error", error).put("detail", detail).encode());
    }
}
