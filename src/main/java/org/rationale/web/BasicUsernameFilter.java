package org.rationale.web;

import org.rationale.error.DomainError;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Refuses an HTTP Basic username with a control character ({@link ControlCharacters}) with a JSON
 * 400 before authentication looks it up.
 */
@ApplicationScoped
public class BasicUsernameFilter {

    void register(@Observes Filters filters) {
        filters.register(rc -> {
            String auth = rc.request().getHeader(HttpHeaders.AUTHORIZATION);
            if (auth != null && auth.regionMatches(true, 0, "Basic ", 0, 6)) {
                String username = username(auth.substring(6).strip());
                DomainError refusal = username == null ? null
                        : ControlCharacters.refusal("the", "username", username, false);
                if (refusal != null) {
                    rc.response().setStatusCode(400).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                            .end(new JsonObject().put("error", "Control character in the username")
                                    .put("detail", refusal.detail()).encode());
                    return;
                }
            }
            rc.next();
        }, 1100);
    }

    /** The username of Basic credentials, or null when they do not decode (authentication then refuses them). */
    private static String username(String encoded) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            return null;
        }
        String text = new String(raw, StandardCharsets.UTF_8);
        int colon = text.indexOf(':');
        return colon < 0 ? text : text.substring(0, colon);
    }
}
