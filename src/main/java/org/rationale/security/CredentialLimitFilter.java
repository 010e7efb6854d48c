package org.rationale.security;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Refuses overlong credentials before anything checks or remembers them, with a 400 and a JSON
 * error: an HTTP Basic username over {@value AccountIdentityProvider#LONGEST_USERNAME} or password
 * over {@value AccountIdentityProvider#LONGEST_PASSWORD} characters, and a login form post or
 * {@code /api/login-check} body over {@value #LONGEST_LOGIN_BODY} bytes (or without a length).
 * Runs before authentication.
 */
@ApplicationScoped
public class CredentialLimitFilter {

    static final int LONGEST_LOGIN_BODY = 4096;
    private static final String LOGIN_CHECK = "/api/login-check";

    /** Why credentials are refused. */
    record Refusal(String error, String detail) {
    }

    void register(@Observes Filters filters,
                  @ConfigProperty(name = "quarkus.http.auth.form.post-location", defaultValue = "/j_security_check")
                  String formPostLocation) {
        filters.register(rc -> {
            Optional<Refusal> refusal = refusal(rc, formPostLocation);
            if (refusal.isEmpty()) {
                rc.next();
                return;
            }
            rc.response().setStatusCode(400)
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .putHeader(HttpHeaders.CONNECTION, "close")
                    .end(new JsonObject().put("error", refusal.get().error()).put("detail", refusal.get().detail()).encode());
        }, 1100);
    }

    private static Optional<Refusal> refusal(RoutingContext rc, String formPostLocation) {
        String authorization = rc.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            String pair;
            try {
                pair = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return Optional.empty(); // not Base64: the Basic mechanism refuses it with a 401
            }
            int colon = pair.indexOf(':');
            Optional<Refusal> r = refusal(colon < 0 ? pair : pair.substring(0, colon), colon < 0 ? "" : pair.substring(colon + 1));
            if (r.isPresent()) {
                return r;
            }
        }
        String path = rc.normalizedPath();
        if (rc.request().method() == HttpMethod.POST && (path.endsWith(formPostLocation) || path.equals(LOGIN_CHECK))) {
            long length;
            try {
                String declared = rc.request().getHeader(HttpHeaders.CONTENT_LENGTH);
                length = declared == null ? -1 : Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                length = -1;
            }
            if (length < 0 || length > LONGEST_LOGIN_BODY) {
                return Optional.of(new Refusal("Login request too long",
                        "Send a username and password in at most " + LONGEST_LOGIN_BODY + " bytes, with a Content-Length"));
            }
        }
        return Optional.empty();
    }

    /** Why a username and password are refused before they are checked, if they are. */
    static Optional<Refusal> refusal(String username, String password) {
        if (username.length() > AccountIdentityProvider.LONGEST_USERNAME) {
            return Optional.of(new Refusal("Username too long",
                    "A username has at most " + AccountIdentityProvider.LONGEST_USERNAME + " characters"));
        }
        if (password.length() > AccountIdentityProvider.LONGEST_PASSWORD) {
            return Optional.of(new Refusal("Password too long",
                    "A password has at most " + AccountIdentityProvider.LONGEST_PASSWORD + " characters"));
        }
        return Optional.empty();
    }
}
