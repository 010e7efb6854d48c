package org.rationale.scheduler;

import org.rationale.error.Invalid;
import io.quarkus.security.Authenticated;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.rationale.model.ModelService;
import org.rationale.security.Access;
import org.rationale.security.Role;

import java.util.List;
import java.util.Map;

/** The scheduler's ranked review queue of a project, with each sample's score breakdown, and its settings. */
@Path("/api/projects/{projectId}/queue")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Scheduler")
@Authenticated
public class QueueResource {

    private final SchedulerService scheduler;
    private final ModelService models;
    private final Access access;

    QueueResource(SchedulerService scheduler, ModelService models, Access access) {
        this.scheduler = scheduler;
        this.models = models;
        this.access = access;
    }

    /** One place of the queue. */
    public record Entry(long sampleId, int position, double score, Map<String, Double> components) {
    }

    @GET
    @Operation(summary = "The stored ranked queue for a strategy (random, uncertainty, disagreement, hybrid; default the "
            + "project's) under a model (default the project's current version): [{sampleId, score, components}]",
            description = "409 when that queue has not been ranked: POST /api/projects/{projectId}/queue/rerank ranks "
                    + "and stores it (a GET never ranks).")
    public List<Entry> queue(@PathParam("projectId") long projectId, @QueryParam("strategy") String strategy,
                             @QueryParam("limit") Integer limit, @QueryParam("modelId") Long modelId) {
        access.requireProject(projectId);
        Strategy s = strategy == null ? scheduler.settings(projectId).strategy() : Strategy.parse(strategy);
        return scheduler.queue(projectId, model(projectId, modelId), s, limit == null ? 50 : limit).stream()
                .map(e -> new Entry(e.sampleId(), e.position(), e.score(), e.components())).toList();
    }

    /** What to rank again, and how; absent fields take the project's settings. */
    public record RerankRequest(String strategy, Long modelId, Integer batchSize, Double disagreement, Double uncertainty,
                                Double redFlag, Double diversity, Integer limit) {
    }

    @POST
    @Path("/rerank")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Role.Name.ADMIN, Role.Name.ENGINEER})
    @Operation(summary = "Rank the candidate pool again (after new masks or with other weights) and store the ranking")
    public List<Entry> rerank(@PathParam("projectId") long projectId, RerankRequest body) {
        access.requireProject(projectId);
        RerankRequest r = body == null ? new RerankRequest(null, null, null, null, null, null, null, null) : body;
        SchedulerService.Settings settings = scheduler.settings(projectId);
        Strategy s = r.strategy() == null ? settings.strategy() : Strategy.parse(r.strategy());
        Weights w = r.disagreement() == null && r.uncertainty() == null && r.redFlag() == null && r.diversity() == null
                ? settings.weights() : Weights.of(r.disagreement(), r.uncertainty(), r.redFlag(), r.diversity());
        int batch = r.batchSize() == null ? 20 : r.batchSize();
        int limit = r.limit() == null ? 50 : r.limit();
        return scheduler.rerank(projectId, model(projectId, r.modelId()), s, w, batch, limit).stream()
                .map(e -> new Entry(e.sampleId(), e.position(), e.score(), e.components())).toList();
    }

    /** Queue settings; absent fields stay as they are. */
    public record SettingsChange(String strategy, Double disagreement, Double uncertainty, Double redFlag,
                                 Double diversity, String method, Integer pool) {
    }

    @GET
    @Path("/settings")
    @Operation(summary = "The project's strategy, weights, map method and candidate pool size")
    public SchedulerService.Settings settings(@PathParam("projectId") long projectId) {
        access.requireProject(projectId);
        return scheduler.settings(projectId);
    }

    @PUT
    @Path("/settings")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Role.Name.ADMIN, Role.Name.ENGINEER})
    @Operation(summary = "Change the strategy, hybrid weights, map method or pool size")
    public SchedulerService.Settings configure(@PathParam("projectId") long projectId, SettingsChange body) {
        access.requireProject(projectId);
        if (body == null) {
            throw new Invalid("Missing body", "Send {strategy, disagreement, uncertainty, redFlag, diversity, method, pool}");
        }
        Weights w = body.disagreement() == null && body.uncertainty() == null && body.redFlag() == null
                && body.diversity() == null ? null : Weights.of(body.disagreement(), body.uncertainty(), body.redFlag(),
                body.diversity());
        return scheduler.configure(projectId, body.strategy(), w, body.method(), body.pool());
    }

    private long model(long projectId, Long modelId) {
        if (modelId != null) {
            if (access.requireModel(modelId) != projectId) {
                throw new Invalid("Model of another project", "Model " + modelId + " is not a model of project "
                        + projectId);
            }
            return modelId;
        }
        return models.current(projectId)
                .orElseThrow(() -> new Invalid("No model yet", "The queue ranks samples for a model version; "
                        + "the project has none")).id;
    }
}
