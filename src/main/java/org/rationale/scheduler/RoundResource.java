package org.rationale.scheduler;

import org.rationale.error.NotFound;
import io.quarkus.security.Authenticated;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.rationale.security.Access;
import org.rationale.security.Role;

import java.util.List;

/** Feedback rounds of a project: list, start the next, retrain after the reviews. */
@Path("/api/projects/{projectId}/rounds")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Scheduler")
@Authenticated
public class RoundResource {

    private final RoundService rounds;
    private final Access access;

    RoundResource(RoundService rounds, Access access) {
        this.rounds = rounds;
        this.access = access;
    }

    @GET
    @Operation(summary = "Every round with its model versions, reviewed count, test accuracy (its parent's and its "
            + "controls'), verdict and shortcut mass")
    public List<RoundService.Round> list(@PathParam("projectId") long projectId) {
        access.requireProject(projectId);
        return rounds.list(projectId);
    }

    @GET
    @Path("/{number}")
    @Operation(summary = "One round")
    public RoundService.Round get(@PathParam("projectId") long projectId, @PathParam("number") int number) {
        access.requireProject(projectId);
        return rounds.find(projectId, number).orElseThrow(() -> NotFound.of("Round " + number));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Role.Name.ADMIN, Role.Name.ENGINEER})
    @Operation(summary = "Start the next round: {strategy, batchSize, feedback: rrr|counterexamples|both|none, lambda "
            + "(1000 on images, 10 on rows), epochs (2 on images, 20 on rows), modelId (default: the project's current version), controls (0-5, default 1)}; maps are computed "
            + "for the candidate pool, then the queue is ranked")
    public Response start(@PathParam("projectId") long projectId, RoundService.StartRequest body) {
        access.requireProject(projectId);
        RoundService.Round r = rounds.start(projectId, access.caller(), body);
        return Response.status(201).entity(r).build();
    }

    @POST
    @Path("/{number}/retrain")
    @RolesAllowed({Role.Name.ADMIN, Role.Name.ENGINEER})
    @Operation(summary = "Retrain with every shortcut mask so far, beside the round's controls (the same retraining "
            + "without the round's new masks); the new version is judged against its parent (verdict), becomes the "
            + "project's current version unless it is worse, and its maps are recomputed")
    public RoundService.Round retrain(@PathParam("projectId") long projectId, @PathParam("number") int number) {
        access.requireProject(projectId);
        return rounds.retrain(projectId, number, access.caller());
    }
}
