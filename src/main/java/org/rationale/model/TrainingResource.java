package org.rationale.model;

import org.rationale.error.Invalid;

import io.quarkus.security.Authenticated;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import org.rationale.security.Access;
import org.rationale.security.Role;
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

import java.net.URI;
import java.util.Map;

/** Starts a training job on a project. */
@Path("/api/projects/{projectId}/trainings")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Training")
@Authenticated
public class TrainingResource {

    @Inject
    Access access;

    private final TrainingService training;

    TrainingResource(TrainingService training) {
        this.training = training;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Train the platform's model (a CNN on images, an MLP on rows) on a split of the project, "
            + "as a background job",
            description = "Body: {name, split (default train), epochs (3; rows 20), batchSize (128; rows 32), learningRate "
                    + "(0.001; rows 0.003), seed (0), feedback (none | rrr | counterexamples | both), lambda (1000; rows "
                    + "10: on rows the features marked shortcut on any row are held against every training row)}. "
                    + "Answers 202 with the job; GET /api/jobs/{id} follows it.")
    @RolesAllowed({Role.Name.ADMIN, Role.Name.ENGINEER})
    public Response start(@PathParam("projectId") long projectId, TrainingRequest body) {
        access.requireProject(projectId);
        long id = training.start(projectId, body == null ? new TrainingRequest(null, null, null, null, null, null)
                : fromClient(body));
        return Response.accepted(Map.of("jobId", id)).location(URI.create("/api/jobs/" + id)).build();
    }

    /** A round's own fields are the platform's to set: a client asking for them is told where rounds retrain. */
    static TrainingRequest fromClient(TrainingRequest body) {
        if (body.roundId() != null || body.controls() != null || body.feedbackBefore() != null) {
            throw new Invalid("Round fields in a training request", "roundId, controls and feedbackBefore belong to a "
                    + "feedback round's retraining; start it with POST /api/projects/{id}/rounds/{number}/retrain");
        }
        return body;
    }
}
