package org.rationale.model;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.rationale.web.ApiException;

/** Background jobs: state and result. */
@Path("/api/jobs")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Training")
public class JobResource {

    private final TrainingService training;

    JobResource(TrainingService training) {
        this.training = training;
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A job: state (queued, running, done, failed), progress, result or error")
    public TrainingService.Job job(@PathParam("id") long id) {
        return training.job(id).orElseThrow(() -> ApiException.notFound("Job " + id));
    }
}
