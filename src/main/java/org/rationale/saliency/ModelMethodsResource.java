package org.rationale.saliency;

import io.quarkus.security.Authenticated;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.rationale.error.NotFound;
import org.rationale.model.ModelService;
import org.rationale.security.Access;

import java.util.List;

/** The attribution methods a model version can run, over REST. */
@Path("/api/models/{id}/methods")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Saliency")
@Authenticated
public class ModelMethodsResource {

    @Inject
    Access access;

    private final SaliencyService saliency;
    private final ModelService models;

    ModelMethodsResource(SaliencyService saliency, ModelService models) {
        this.saliency = saliency;
        this.models = models;
    }

    @GET
    @Operation(summary = "Every attribution method, each with why it cannot run on this model version",
            description = "refusal is null for a method that can run; otherwise it says why not (e.g. grad-cam on a "
                    + "model uploaded whole, or a method made for images on a tabular model's rows). Nothing is run.")
    public List<MethodAvailability> methods(@PathParam("id") long id) {
        access.requireModel(id);
        return saliency.methods(models.find(id).orElseThrow(() -> NotFound.of("Model " + id)));
    }
}
