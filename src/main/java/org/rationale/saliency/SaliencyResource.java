package org.rationale.saliency;

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
import org.rationale.dataset.DatasetService;
import org.rationale.model.ModelService;
import org.rationale.model.ModelVersion;
import org.rationale.model.Prediction;
import org.rationale.model.PredictionService;
import org.rationale.web.ApiException;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Predictions and saliency maps of one sample. */
@Path("/api/samples/{id}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Saliency")
public class SaliencyResource {

    private static final Set<String> RESERVED = Set.of("modelId", "method", "target");

    private final SaliencyService saliency;
    private final PredictionService predictions;
    private final ModelService models;
    private final DatasetService datasets;
    private final AttributionMethods methods;

    SaliencyResource(SaliencyService saliency, PredictionService predictions, ModelService models,
                     DatasetService datasets, AttributionMethods methods) {
        this.saliency = saliency;
        this.predictions = predictions;
        this.models = models;
        this.datasets = datasets;
        this.methods = methods;
    }

    @GET
    @Path("/predictions")
    @Operation(summary = "What a model version predicts for the sample: probabilities, class, confidence, entropy, margin")
    public Prediction prediction(@PathParam("id") long id, @QueryParam("modelId") String modelId) {
        var s = datasets.sample(id).orElseThrow(() -> ApiException.notFound("Sample " + id));
        return predictions.predict(s, model(modelId));
    }

    @GET
    @Path("/saliency")
    @Operation(summary = "The saliency map of the sample under a model version",
            description = "Query: modelId, method (vanilla-gradient, gradient-x-input, smoothgrad, integrated-gradients, "
                    + "grad-cam, grad-cam-plus-plus, guided-backprop, occlusion, rise), target (predicted, label or a "
                    + "class index) and the method's parameters by name (e.g. steps=64&baseline=blur). Computed once, "
                    + "then served from storage.")
    public SaliencyMap map(@PathParam("id") long id, @QueryParam("modelId") String modelId,
                       @QueryParam("method") String method, @QueryParam("target") String target,
                       @Context UriInfo uri) {
        ModelVersion v = model(modelId);
        Map<String, String> params = new LinkedHashMap<>();
        uri.getQueryParameters().forEach((k, values) -> {
            if (!RESERVED.contains(k)) {
                if (values.size() != 1) {
                    throw ApiException.badRequest("Parameter '" + k + "' given " + values.size() + " times", "Give it once");
                }
                params.put(k, values.get(0));
            }
        });
        if (method == null || method.isBlank()) {
            throw ApiException.badRequest("Missing method", "Give ?method=, one of: "
                    + String.join(", ", methods.all().stream().map(AttributionMethod::name).toList()));
        }
        return saliency.map(id, v.id, method, target, params);
    }

    private ModelVersion model(String modelId) {
        if (modelId == null || modelId.isBlank()) {
            throw ApiException.badRequest("Missing modelId", "Give ?modelId= of a model version");
        }
        long id;
        try {
            id = Long.parseLong(modelId.strip());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("Invalid modelId '" + modelId + "'", "modelId is a whole number");
        }
        return models.find(id).orElseThrow(() -> ApiException.notFound("Model " + id));
    }
}
