package org.rationale.security;

import org.rationale.error.Invalid;
import org.rationale.error.NotFound;
import io.quarkus.security.Authenticated;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

/** Who belongs to a project: members see the list, admins change it. */
@Path("/api/projects/{projectId}/members")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Users")
@Authenticated
public class MemberResource {

    private final AccountService accounts;
    private final Access access;

    MemberResource(AccountService accounts, Access access) {
        this.accounts = accounts;
        this.access = access;
    }

    /** The user to add. */
    public record NewMember(Long userId) {
    }

    @GET
    @Operation(summary = "Members of the project")
    public List<AccountService.Account> list(@PathParam("projectId") long projectId) {
        access.requireProject(projectId);
        List<AccountService.Account> members = accounts.members(projectId);
        if (access.caller().isAdmin()) {
            return members;
        }
        // a member learns who else is in this project, not which other projects those people belong to
        return members.stream().map(a -> new AccountService.Account(a.id(), a.username(), a.displayName(), a.role(),
                a.enabled(), List.of(projectId))).toList();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Role.Name.ADMIN)
    @Operation(summary = "Add a member: {userId}")
    public List<AccountService.Account> add(@PathParam("projectId") long projectId, NewMember body) {
        if (body == null || body.userId() == null) {
            throw new Invalid("Missing userId", "Send {\"userId\": …}");
        }
        accounts.addMember(projectId, body.userId());
        return accounts.members(projectId);
    }

    @DELETE
    @Path("/{userId}")
    @RolesAllowed(Role.Name.ADMIN)
    @Operation(summary = "Remove a member")
    public Response remove(@PathParam("projectId") long projectId, @PathParam("userId") long userId) {
        if (!accounts.removeMember(projectId, userId)) {
            throw NotFound.of("Membership of user " + userId + " in project " + projectId);
        }
        return Response.noContent().build();
    }
}
