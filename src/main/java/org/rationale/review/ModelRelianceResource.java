package org.rationale.review;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.rationale.error.NotFound;
import org.rationale.security.Access;
import org.rationale.security.Role;

/** A model version's mean reliance on its project's marked regions, measured by intervention; stores nothing. */
@Path("/api/models/{id}/reliance")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Review")
@RolesAllowed({Role.Name.ADMIN, Role.Name.ENGINEER})
public class ModelRelianceResource {

    private final RelianceService reliance;
    private final Access access;

    ModelRelianceResource(RelianceService reliance, Access access) {
        this.reliance = reliance;
        this.access = access;
    }

    @GET
    @Operation(summary = "A model version's mean reliance on the project's marked regions",
            description = "Over the project's painted shortcut masks, then its known shortcut boxes, at most "
                    + "regions of them (default rationale.reliance.most-regions, 200): per replacement the mean drop "
                    + "of the predicted class's probability and the mean flip rate. 404 when the project has no "
                    + "marked region; 400 when regions is above rationale.reliance.most-regions. Engineers and admins only. "
                    + "Computed on request, never stored.")
    public RelianceService.ModelReliance ofModel(@PathParam("id") long id, @QueryParam("regions") String regions) {
        access.requireModel(id);
        Integer n = regions == null ? null : RelianceResource.small("regions", regions);
        RelianceService.ModelReliance r = reliance.ofModel(id, n);
        if (r == null) {
            throw new NotFound("No marked region", "The project of model " + id + " has no painted shortcut mask "
                    + "and no known shortcut to test");
        }
        return r;
    }
}
