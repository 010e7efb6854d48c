package org.rationale.security;

import org.rationale.error.Invalid;
import org.rationale.error.NotFound;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;
import java.util.List;

/** Users over REST, for admins: list, create, change role or enabled flag, set a password. */
@Path("/api/users")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Users")
@RolesAllowed(Role.Name.ADMIN)
public class UserResource {

    private final AccountService accounts;

    UserResource(AccountService accounts) {
        this.accounts = accounts;
    }

    /** A new user. */
    public record NewUser(String username, String displayName, String password, String role) {
    }

    /** Changes to a user; absent fields stay as they are. */
    public record UserChange(String role, Boolean enabled, String displayName) {
    }

    /** A new password. */
    public record NewPassword(String password) {
    }

    @GET
    @Operation(summary = "All users with their roles and project memberships")
    public List<AccountService.Account> list() {
        return accounts.list();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a user: {username, displayName, password (10+ characters), role (admin, engineer, expert, auditor)}")
    public Response create(NewUser body) {
        if (body == null) {
            throw new Invalid("Missing body", "Send {username, displayName, password, role}");
        }
        var a = accounts.create(body.username(), body.displayName(), body.password(), body.role());
        return Response.created(URI.create("/api/users/" + a.id())).entity(a).build();
    }

    @GET
    @Path("/{id}")
    public AccountService.Account get(@PathParam("id") long id) {
        return accounts.find(id).orElseThrow(() -> NotFound.of("User " + id));
    }

    @PATCH
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Change a user's role, enabled flag or display name (the last enabled admin stays an admin)")
    public AccountService.Account update(@PathParam("id") long id, UserChange body) {
        if (body == null) {
            throw new Invalid("Missing body", "Send {role, enabled, displayName}");
        }
        return accounts.update(id, body.role(), body.enabled(), body.displayName());
    }

    @PUT
    @Path("/{id}/password")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Set a user's password")
    public Response password(@PathParam("id") long id, NewPassword body) {
        accounts.setPassword(id, body == null ? null : body.password());
        return Response.noContent().build();
    }
}
