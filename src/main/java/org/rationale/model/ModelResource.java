package org.rationale.model;

import org.rationale.error.NotFound;
import io.quarkus.security.Authenticated;
import jakarta.inject.Inject;
import org.rationale.security.Access;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** One model version over REST. */
@Path("/api/models")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Models")
@Authenticated
public class ModelResource {

    @Inject
    Access access;

    private final ModelService models;

    ModelResource(ModelService models) {
        this.models = models;
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One model version")
    public ModelSummary get(@PathParam("id") long id) {
        access.requireModel(id);
        return models.find(id).map(ModelSummary::of).orElseThrow(() -> NotFound.of("Model " + id));
    }

}
