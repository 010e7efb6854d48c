package org.rationale.security;

import io.quarkus.security.Authenticated;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The caller's own account. */
@Path("/api/me")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Users")
@Authenticated
public class MeResource {

    private final AccountService accounts;
    private final Access access;

    MeResource(AccountService accounts, Access access) {
        this.accounts = accounts;
        this.access = access;
    }

    @GET
    @Operation(summary = "Who I am: username, role, projects")
    public AccountService.Account me() {
        return accounts.byUsername(access.caller().username()).orElseThrow();
    }
}
