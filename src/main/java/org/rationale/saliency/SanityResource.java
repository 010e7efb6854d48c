package org.rationale.saliency;

import io.quarkus.security.Authenticated;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import org.rationale.security.Access;
import org.rationale.security.Role;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.rationale.model.ModelService;
import org.rationale.web.ApiException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The randomisation sanity check of a model version's maps, per method. */
@Path("/api/models/{id}/sanity")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Saliency")
@Authenticated
public class SanityResource {

    @Inject
    Access access;

    private final SanityService sanity;
    private final ModelService models;

    SanityResource(SanityService sanity, ModelService models) {
        this.sanity = sanity;
        this.models = models;
    }

    @GET
    @Operation(summary = "Model-parameter randomisation check (Adebayo et al. 2018) of one method",
            description = "Without method: every check stored for the model. With method (and its parameters by name): "
                    + "the stored result, or the check run now. passed is false when the maps of the fully randomised "
                    + "model still have a mean Spearman similarity above the threshold.")
    public Object check(@PathParam("id") long id, @QueryParam("method") String method, @Context UriInfo uri) {
        access.requireModel(id);
        models.find(id).orElseThrow(() -> ApiException.notFound("Model " + id));
        if (method == null || method.isBlank()) {
            List<SanityCheck.Result> all = sanity.stored(id);
            return all;
        }
        Map<String, String> params = new LinkedHashMap<>();
        uri.getQueryParameters().forEach((k, values) -> {
            if (!k.equals("method")) {
                params.put(k, values.get(0));
            }
        });
        return sanity.check(id, method, params);
    }
}
