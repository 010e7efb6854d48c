package org.rationale.saliency;

import org.rationale.error.Invalid;
import org.rationale.error.NotFound;
import io.quarkus.security.Authenticated;
import jakarta.inject.Inject;
import org.rationale.security.Access;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
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
    @Operation(summary = "The stored model-parameter randomisation checks (Adebayo et al. 2018) of a model version",
            description = "Without method: every check stored for the model. With method (and its parameters by name): "
                    + "the stored result, or 404 when none is stored: POST to the same URL runs it (a GET never runs "
                    + "or stores a check). passed is false when the maps of the fully randomised model still have a "
                    + "mean Spearman similarity above the threshold.")
    public Object check(@PathParam("id") long id, @QueryParam("method") String method, @Context UriInfo uri) {
        access.requireModel(id);
        models.find(id).orElseThrow(() -> NotFound.of("Model " + id));
        if (method == null || method.isBlank()) {
            List<SanityCheck.Result> all = sanity.stored(id);
            return all;
        }
        return sanity.stored(id, method, params(uri)).orElseThrow(() -> new NotFound("No stored sanity check",
                "No check of " + method + " with these parameters is stored for model " + id + ": POST /api/models/"
                        + id + "/sanity?method=" + method + " (with the same parameters) runs and stores it"));
    }

    @POST
    @Operation(summary = "Run and store the randomisation check of one method on a model version",
            description = "Query: method and its parameters by name. Seconds for gradient methods, longer for "
                    + "perturbation ones; a check already stored is answered as it is.")
    public SanityCheck.Result run(@PathParam("id") long id, @QueryParam("method") String method, @Context UriInfo uri) {
        access.requireModel(id);
        models.find(id).orElseThrow(() -> NotFound.of("Model " + id));
        if (method == null || method.isBlank()) {
            throw new Invalid("Missing method", "Give ?method= of the check to run");
        }
        return sanity.check(id, method, params(uri));
    }

    private static Map<String, String> params(UriInfo uri) {
        Map<String, String> params = new LinkedHashMap<>();
        uri.getQueryParameters().forEach((k, values) -> {
            if (!k.equals("method")) {
                params.put(k, values.get(0));
            }
        });
        return params;
    }
}
