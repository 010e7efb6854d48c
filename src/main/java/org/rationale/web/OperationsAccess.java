package org.rationale.web;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.List;

/**
 * Metrics and the API description ({@code /q/metrics}, {@code /q/openapi}, {@code /q/swagger-ui})
 * need a login; {@code /q/health} stays open for probes. The HTTP permission
 * {@code quarkus.http.auth.permission.operations} checks the credentials; this filter answers a
 * caller that sends none with a JSON 401 and a Basic challenge instead of an empty one.
 */
@ApplicationScoped
public class OperationsAccess {

    static final List<String> PROTECTED = List.of("/q/metrics", "/q/openapi", "/q/swagger-ui");

    void register(@Observes Filters filters) {
        filters.register(rc -> {
            String path = rc.normalizedPath();
            boolean isProtected = PROTECTED.stream().anyMatch(p -> path.equals(p) || path.startsWith(p + "/"));
            if (isProtected && rc.request().getHeader(HttpHeaders.AUTHORIZATION) == null) {
                rc.response().setStatusCode(401).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                        .putHeader("WWW-Authenticate", "Basic realm=\"Rationale\", charset=\"UTF-8\"")
                        .end(new JsonObject().put("error", "Not logged in")
                                .put("detail", "Metrics and the API description need a login: send a username and "
                                        + "password with HTTP Basic").encode());
                return;
            }
            rc.next();
        }, 1050);
    }
}
