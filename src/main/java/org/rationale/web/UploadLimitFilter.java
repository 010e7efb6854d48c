package org.rationale.web;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.rationale.config.RationaleConfig;

/**
 * Refuses a request whose declared body is larger than {@code rationale.upload.max-size} before a
 * byte of it is read, with a 413 and a JSON error (the HTTP layer's own limit stays as a backstop
 * for bodies without a length).
 */
@ApplicationScoped
public class UploadLimitFilter {

    void register(@Observes Filters filters, RationaleConfig config) {
        long limit = config.upload().maxSize().asLongValue();
        filters.register(rc -> {
            String length = rc.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            if (length != null) {
                long declared;
                try {
                    declared = Long.parseLong(length.trim());
                } catch (NumberFormatException e) {
                    declared = -1;
                }
                if (declared > limit) {
                    String body = new JsonObject()
                            .put("error", "Upload too large")
                            .put("detail", "The request has " + declared + " bytes; the limit is " + limit
                                    + " bytes (rationale.upload.max-size)")
                            .encode();
                    rc.response().setStatusCode(413)
                            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                            .putHeader(HttpHeaders.CONNECTION, "close")
                            .end(body);
                    return;
                }
            }
            rc.next();
        }, 1000);
    }
}
