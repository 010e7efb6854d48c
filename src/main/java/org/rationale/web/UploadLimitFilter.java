package org.rationale.web;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.rationale.config.RationaleConfig;

/**
 * Refuses a request whose declared body is larger than {@code rationale.upload.max-size} before a
 * byte of it is read, and a body sent without a length as soon as it grows past that size, with a
 * 413 and a JSON error (the HTTP layer's own limit stays as a backstop).
 */
@ApplicationScoped
public class UploadLimitFilter {

    private static final long WATCH_MILLIS = 20;

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
                    refuse(rc, "The request has " + declared + " bytes; the limit is " + UploadLimit.describe(limit)
                            + ", set by rationale.upload.max-size");
                    return;
                }
            } else if (rc.request().headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
                watch(rc, limit);
            }
            rc.next();
        }, 1000);
    }

    /**
     * A body sent without a length (chunked) is counted as it arrives: once it passes the limit the
     * request is answered with the JSON 413 and the connection closed (the HTTP layer's own check,
     * at the backstop size, would answer an empty 413).
     */
    private static void watch(RoutingContext rc, long limit) {
        long timer = rc.vertx().setPeriodic(WATCH_MILLIS, id -> {
            if (rc.response().ended() || rc.request().isEnded()) {
                rc.vertx().cancelTimer(id);
            } else if (rc.request().bytesRead() > limit) {
                rc.vertx().cancelTimer(id);
                if (!rc.response().headWritten()) {
                    refuse(rc, "The request body, sent without a length, passed the limit of "
                            + UploadLimit.describe(limit) + ", set by rationale.upload.max-size");
                }
            }
        });
        rc.addEndHandler(v -> rc.vertx().cancelTimer(timer));
    }

    private static void refuse(RoutingContext rc, String detail) {
        rc.response().setStatusCode(413)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(new JsonObject().put("error", "Upload too large").put("detail", detail).encode());
    }
}
