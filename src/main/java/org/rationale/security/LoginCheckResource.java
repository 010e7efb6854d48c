package org.rationale.security;

import org.rationale.error.Invalid;
import io.quarkus.security.AuthenticationFailedException;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.rationale.web.ApiError;

/**
 * Lets the login page check a password before it posts the form to Quarkus's form authentication:
 * a failed post there leaves the browser waiting (with authentication in the REST layer), so the
 * page only posts credentials it knows are right and shows the error itself otherwise. Answers
 * 204 or a 401 without a Basic challenge (no browser password dialog); overlong credentials get a
 * 400. Wrong passwords count against the caller's address as they do at any login.
 */
@Path("/api/login-check")
@PermitAll
public class LoginCheckResource {

    private final AccountIdentityProvider identities;

    LoginCheckResource(AccountIdentityProvider identities) {
        this.identities = identities;
    }

    /** The credentials to check. */
    public record Credentials(String username, String password) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(hidden = true)
    public Response check(Credentials body, RoutingContext request) {
        try {
            if (body == null || body.username() == null || body.password() == null) {
                throw new AuthenticationFailedException("missing");
            }
            CredentialLimitFilter.refusal(body.username(), body.password()).ifPresent(r -> {
                throw new Invalid(r.error(), r.detail());
            });
            identities.check(body.username(), body.password(), AccountIdentityProvider.clientAddress(request));
            return Response.noContent().build();
        } catch (AuthenticationFailedException e) {
            return Response.status(401).entity(new ApiError("Wrong username or password",
                    e.getMessage() != null && e.getMessage().startsWith("Too many") ? e.getMessage()
                            : "or the account is disabled")).build();
        }
    }
}
