package org.rationale.saliency;

import org.rationale.error.DomainError;
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
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.rationale.dataset.DatasetService;
import org.rationale.model.ModelService;
import org.rationale.model.ModelVersion;
import org.rationale.model.Prediction;
import org.rationale.model.PredictionService;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Predictions and saliency maps of one sample. */
@Path("/api/samples/{id}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Saliency")
@Authenticated
public class SaliencyResource {

    @Inject
    Access access;

    private static final Set<String> RESERVED = Set.of("modelId", "method", "target", "curves");

    private final SaliencyService saliency;
    private final MapOverlays overlays;
    private final PredictionService predictions;
    private final ModelService models;
    private final DatasetService datasets;
    private final AttributionMethods methods;

    SaliencyResource(SaliencyService saliency, MapOverlays overlays, PredictionService predictions, ModelService models,
                     DatasetService datasets, AttributionMethods methods) {
        this.saliency = saliency;
        this.overlays = overlays;
        this.predictions = predictions;
        this.models = models;
        this.datasets = datasets;
        this.methods = methods;
    }

    @GET
    @Path("/predictions")
    @Operation(summary = "What a model version predicts for the sample: probabilities, class, confidence, entropy, margin",
            description = "The stored prediction (prediction and saliency jobs store them); when none is stored yet, "
                    + "computed for the answer and not stored: a GET stores nothing. Images of another size than "
                    + "the model's reach it as the model's spec says (fit, interpolation).")
    public Prediction prediction(@PathParam("id") long id, @QueryParam("modelId") String modelId) {
        access.requireSample(id);
        var s = datasets.sample(id).orElseThrow(() -> NotFound.of("Sample " + id));
        return predictions.storedOrComputed(s, model(modelId));
    }

    @GET
    @Path("/saliency")
    @Operation(summary = "The stored saliency map of the sample under a model version",
            description = "Query: modelId, method (vanilla-gradient, gradient-x-input, smoothgrad, integrated-gradients, "
                    + "grad-cam, grad-cam-plus-plus, guided-backprop, occlusion, rise; on table models also kernel-shap and "
                    + "shapley-sampling, with baseline zeros, mean or sample for integrated-gradients and occlusion), target (predicted, label or a "
                    + "class index) and the method's parameters by name (e.g. steps=64&baseline=blur). Every method "
                    + "also takes channels: plane (default) answers and stores one value a pixel, shape [1, H, W] "
                    + "(a spatial method's map as it is, the channels of a gradient method summed, sign kept); "
                    + "all answers C×H×W, stored apart from the plane (3 times the bytes on an RGB model). "
                    + "On a table row (a tabular project) the map has shape [F] with one value per feature and "
                    + "features naming them (a categorical column's one-hot columns summed), attributions with "
                    + "respect to the standardised input; grad-cam, grad-cam-plus-plus, guided-backprop and rise are a "
                    + "400 there, occlusion replaces one feature at a time by its mean; a row's curves move one feature a "
                    + "step to (deletion) or from (insertion) the training mean row. Answers "
                    + "the stored map (its curves field: computed when metrics hold deletionAuc and insertionAuc, pending "
                    + "while they are computed in the background, none when nobody asked for them), or 404 when none "
                    + "is stored: POST to the same URL computes and stores it (a "
                    + "GET never computes or stores).")
    public SaliencyMap map(@PathParam("id") long id, @QueryParam("modelId") String modelId,
                       @QueryParam("method") String method, @QueryParam("target") String target,
                       @Context UriInfo uri) {
        access.requireSample(id);
        ModelVersion v = model(modelId);
        Map<String, String> params = methodParams(uri, Set.of());
        return saliency.stored(id, v.id, requireMethod(method), target, params).orElseThrow(() -> notStored(id));
    }

    @POST
    @Path("/saliency")
    @Operation(summary = "Compute and store the saliency map of the sample under a model version",
            description = "Same query as GET /saliency. Computed once (a map already stored is answered as it is), "
                    + "then served by GET. The map is answered as soon as it is stored; its deletion/insertion curves "
                    + "(58 forward passes) are computed in the background and added to its metrics (deletionAuc, "
                    + "insertionAuc) when done. The answer's curves field says where they are: computed, pending "
                    + "(GET the map again later) or none (not queued: the server was busy or they failed; POST "
                    + "again). curves=true waits for them (up to a minute) before answering, for scripts that "
                    + "want the numbers in the answer; curves=false neither computes nor queues them.")
    public SaliencyMap compute(@PathParam("id") long id, @QueryParam("modelId") String modelId,
                               @QueryParam("method") String method, @QueryParam("target") String target,
                               @QueryParam("curves") String curves, @Context UriInfo uri) {
        access.requireSample(id);
        SaliencyService.Curves mode = curves(curves);
        ModelVersion v = model(modelId);
        Map<String, String> params = methodParams(uri, Set.of());
        return saliency.map(id, v.id, requireMethod(method), target, params, mode);
    }

    private static SaliencyService.Curves curves(String text) {
        if (text == null) {
            return SaliencyService.Curves.BACKGROUND;
        }
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> SaliencyService.Curves.WAIT;
            case "false" -> SaliencyService.Curves.SKIP;
            default -> throw new Invalid("Invalid curves '" + (text.length() > 20 ? text.substring(0, 20) + "…" : text)
                    + "'", "curves is true (wait for the deletion/insertion curves), false (skip them) or left out "
                    + "(computed in the background)");
        };
    }

    private static DomainError notStored(long sampleId) {
        return new NotFound("No stored map", "No map of sample " + sampleId + " is stored for this model, "
                + "method, target and parameters: POST /api/samples/" + sampleId + "/saliency with the same query "
                + "computes and stores it");
    }

    @GET
    @Path("/saliency.png")
    @Produces("image/png")
    @Operation(summary = "The saliency map drawn over the image",
            description = "Same query as /saliency, plus opacity (0 to 1, default 0.6) and zoom (1 to 16; default 8, or less for a large image). "
                    + "Draws the stored map (404 when none is stored: POST /saliency computes it). "
                    + "Drawn as the review canvas shows it by default: |value| scaled to its 99th percentile, colormap inferno.")
    public Response overlay(@PathParam("id") long id, @QueryParam("modelId") String modelId,
                                               @QueryParam("method") String method, @QueryParam("target") String target,
                                               @QueryParam("opacity") String opacity, @QueryParam("zoom") String zoom,
                                               @Context UriInfo uri) {
        access.requireSample(id);
        double a = opacity == null ? 0.6 : parse("opacity", opacity, 0, 1);
        int z = zoom == null ? 0 : (int) parse("zoom", zoom, 1, 16);
        if (zoom != null && z != Double.parseDouble(zoom.strip())) {
            throw new Invalid("Invalid zoom '" + zoom + "'", "zoom is a whole number from 1 to 16");
        }
        ModelVersion v = model(modelId);
        Map<String, String> params = methodParams(uri, Set.of("opacity", "zoom"));
        SaliencyMap m = saliency.stored(id, v.id, requireMethod(method), target, params).orElseThrow(() -> notStored(id));
        if (m.ofRow()) {
            throw new Invalid("A row has no image", "Sample " + id + " is a table row: GET /api/samples/" + id
                    + "/saliency with the same query answers its attribution per feature");
        }
        return Response.ok(overlays.overlayPng(m, a, z), "image/png").build();
    }

    private static double parse(String name, String text, double min, double max) {
        double d;
        try {
            d = Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            throw new Invalid("Invalid " + name + " '" + text + "'", name + " is a number from " + min + " to " + max);
        }
        if (!(d >= min && d <= max)) {
            throw new Invalid("Invalid " + name + " '" + text + "'", name + " is a number from " + min + " to " + max);
        }
        return d;
    }

    private String requireMethod(String method) {
        if (method == null || method.isBlank()) {
            throw new Invalid("Missing method", "Give ?method=, one of: "
                    + String.join(", ", methods.all().stream().map(AttributionMethod::name).toList()));
        }
        return method;
    }

    private static Map<String, String> methodParams(UriInfo uri, Set<String> alsoReserved) {
        Map<String, String> params = new LinkedHashMap<>();
        uri.getQueryParameters().forEach((k, values) -> {
            if (!RESERVED.contains(k) && !alsoReserved.contains(k)) {
                if (values.size() != 1) {
                    throw new Invalid("Parameter '" + k + "' given " + values.size() + " times", "Give it once");
                }
                params.put(k, values.get(0));
            }
        });
        return params;
    }

    private ModelVersion model(String modelId) {
        if (modelId == null || modelId.isBlank()) {
            throw new Invalid("Missing modelId", "Give ?modelId= of a model version");
        }
        long id;
        try {
            id = Long.parseLong(modelId.strip());
        } catch (NumberFormatException e) {
            throw new Invalid("Invalid modelId '" + modelId + "'", "modelId is a whole number");
        }
        return models.find(id).orElseThrow(() -> NotFound.of("Model " + id));
    }
}
