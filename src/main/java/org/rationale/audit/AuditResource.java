package org.rationale.audit;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.rationale.error.Invalid;

import java.util.List;

/**
 * The audit trail: verification of the hash chain, and its events for auditors. The roles are
 * named as {@code security.Role} names them; the trail sits below the accounts and does not import them.
 */
@Path("/api/audit")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Audit")
@RolesAllowed({"admin", "auditor"})
public class AuditResource {

    private final AuditLog log;
    private final AuditCaller caller;

    AuditResource(AuditLog log, AuditCaller caller) {
        this.log = log;
        this.caller = caller;
    }

    @GET
    @Path("/verify")
    @Operation(summary = "Recompute the hash chain, check each event's HMAC and compare with the newest anchor. "
            + "Admins get the global numbers (scope global); others whether the trail is intact, its head hash and "
            + "the event counts of their own projects (scope projects)")
    public AuditLog.VerifyAnswer verify() {
        return log.verifyForCaller();
    }

    @GET
    @Path("/events")
    @Operation(summary = "Events in sequence order, after a sequence number (paging), of one project (admins may omit it)")
    public List<AuditEvent> events(@QueryParam("projectId") Long projectId, @QueryParam("afterSeq") Long afterSeq,
                                   @QueryParam("limit") Integer limit) {
        if (projectId == null) {
            if (!caller.readsEverything()) {
                throw new Invalid("Missing projectId", "Auditors read the events of their projects");
            }
        } else {
            caller.requireProject(projectId);
        }
        return log.page(projectId, afterSeq == null ? 0 : afterSeq, limit == null ? 1000 : limit);
    }
}
