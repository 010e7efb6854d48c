package org.rationale.security;

import io.vertx.core.http.Cookie;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.net.URI;

/**
 * Logging out of the UI: ends the server-side login ({@link LoginSessions}), so a copy of the
 * cookies saved before opens nothing any more, and tells the browser to drop both cookies (also
 * the login cookie that Quarkus may have renewed while answering this very request). The view has
 * already closed its Vaadin session.
 */
@Path("/logout")
@PermitAll
public class LogoutResource {

    private final LoginSessions sessions;
    @ConfigProperty(name = "quarkus.http.auth.form.cookie-name", defaultValue = "quarkus-credential")
    String loginCookie;
    @ConfigProperty(name = "quarkus.http.auth.form.cookie-path", defaultValue = "/")
    String loginCookiePath;

    LogoutResource(LoginSessions sessions) {
        this.sessions = sessions;
    }

    @GET
    @Operation(hidden = true)
    public Response logout(RoutingContext context) {
        Cookie token = context.request().getCookie(LoginSessions.COOKIE);
        if (token != null) {
            sessions.close(token.getValue());
        }
        boolean secure = context.request().isSSL();
        context.response().addCookie(LoginSessions.expired(secure));
        context.response().addCookie(Cookie.cookie(loginCookie, "").setPath(loginCookiePath).setMaxAge(0)
                .setHttpOnly(true).setSecure(secure));
        return Response.seeOther(URI.create("/login")).build();
    }
}
