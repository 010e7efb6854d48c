package org.rationale.security;

import io.quarkus.vertx.http.runtime.security.FormAuthenticationMechanism;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.net.URI;

/**
 * Logging out of the UI: the login cookie is stateless (encrypted, no server session), so logging
 * out means removing it in the browser. Quarkus's own logout does that and also stops the renewal
 * that would otherwise hand a cookie older than a minute straight back; the view has already
 * closed its Vaadin session.
 */
@Path("/logout")
@PermitAll
public class LogoutResource {

    @GET
    @Operation(hidden = true)
    public Response logout(RoutingContext context) {
        FormAuthenticationMechanism.logout(context);
        return Response.seeOther(URI.create("/login")).build();
    }
}
