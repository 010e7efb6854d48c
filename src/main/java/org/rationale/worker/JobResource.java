package org.rationale.worker;

import org.rationale.error.NotFound;
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

/** Jobs over REST: submit a saliency or predict job, follow any job (training ones too), cancel one. */
@Path("/api/jobs")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Jobs")
@Authenticated
public class JobResource {

    @Inject
    Access access;

    private final JobService jobs;

    JobResource(JobService jobs) {
        this.jobs = jobs;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Submit a saliency, predict or sanity job",
            description = "{\"type\":\"saliency\",\"modelId\":1,\"methods\":[{\"name\":\"vanilla-gradient\",\"params\":{}}],"
                    + "\"samples\":{\"projectId\":1,\"split\":\"test\"} or [ids],\"target\":\"predicted\",\"priority\":0}. "
                    + "Answers 202 with the job id; workers compute one stored map per (sample, method). "
                    + "{\"type\":\"predict\",\"modelId\":1,\"samples\":…} stores predictions only. "
                    + "{\"type\":\"sanity\",\"modelId\":1,\"methods\":[{\"name\":\"grad-cam\",\"params\":{}}, …]} runs the "
                    + "randomisation sanity check of each method in the background, one item per method (no samples or "
                    + "target: it checks on the first test samples); the results are stored as POST /api/models/{id}/sanity "
                    + "stores them and GET /api/models/{id}/sanity reads them. Training jobs start at "
                    + "/api/projects/{id}/trainings.")
    @RolesAllowed({Role.Name.ADMIN, Role.Name.ENGINEER})
    public Response submit(JobRequest body) {
        if (body != null && body.modelId() != null) {
            access.requireModel(body.modelId());
        }
        long id = jobs.submit(body);
        return Response.accepted(Map.of("jobId", id)).location(URI.create("/api/jobs/" + id)).build();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A job: state (queued, running, succeeded, failed, cancelled), items done / failed / total, "
            + "rate, ETA, failed items with their errors")
    public JobService.JobSummary job(@PathParam("id") long id) {
        access.requireJob(id);
        return jobs.job(id).orElseThrow(() -> NotFound.of("Job " + id));
    }

    @POST
    @Path("/{id}/cancel")
    @Operation(summary = "Cancel a job: nothing more is claimed; items in progress finish")
    @RolesAllowed({Role.Name.ADMIN, Role.Name.ENGINEER})
    public JobService.JobSummary cancel(@PathParam("id") long id) {
        access.requireJob(id);
        jobs.cancel(id);
        return jobs.job(id).orElseThrow();
    }
}
