package org.rationale.security;

import io.vertx.core.http.Cookie;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.net.URI;

/**
 * Logging out of the UI: ends the server-side login ({@link LoginSessions}), so a copy of the
 * cookies saved before opens nothing any more, and tells the browser to drop both cookies (also
 * the login cookie that Quarkus may have renewed while answering this very request). The view has
 * already closed its Vaadin session. Logging out changes state, so it is a POST (the UI's button
 * posts a form; the login cookies are SameSite, so another site cannot post it for the user); a GET
 * only shows a page with that button and changes nothing.
 */
@Path("/logout")
@PermitAll
public class LogoutResource {

    private final LoginSessions sessions;

    LogoutResource(LoginSessions sessions) {
        this.sessions = sessions;
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    @Operation(hidden = true)
    public String page() {
        return """
                <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Log out · Rationale</title></head>
                <body style="font-family: sans-serif; margin: 3em">
                <form method="post" action="/logout"><button type="submit" id="logout-confirm">Log out of Rationale</button></form>
                <p><a href="/">Back to the projects</a></p></body></html>
                """;
    }

    @POST
    @Operation(hidden = true)
    public Response logout(RoutingContext context) {
        Cookie token = context.request().getCookie(LoginSessions.COOKIE);
        if (token != null) {
            sessions.close(token.getValue());
        }
        sessions.forgetInBrowser(context);
        return Response.seeOther(URI.create("/login")).build();
    }
}
