package org.rationale.security;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.net.URI;

/**
 * Logging out of the UI: the login cookie is stateless (encrypted, no server session), so
 * logging out means expiring it in the browser; the view has already closed its Vaadin session.
 */
@Path("/logout")
@PermitAll
public class LogoutResource {

    @GET
    @Operation(hidden = true)
    public Response logout() {
        NewCookie expired = new NewCookie.Builder("quarkus-credential").value("").path("/").maxAge(0).httpOnly(true).build();
        return Response.seeOther(URI.create("/login")).cookie(expired).build();
    }
}
