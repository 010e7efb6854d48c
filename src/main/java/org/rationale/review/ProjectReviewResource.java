package org.rationale.review;

import org.rationale.error.Invalid;
import org.rationale.error.InvalidFields;
import org.rationale.error.NotFound;
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
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.rationale.dataset.Split;
import org.rationale.saliency.AttributionMethods;
import org.rationale.saliency.SaliencyService;
import org.rationale.security.Access;
import org.rationale.security.Role;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A project's review: the next sample and map handed to the caller, undo, and the agreement between reviewers. */
@Path("/api/projects/{projectId}/review")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Review")
@Authenticated
public class ProjectReviewResource {

    private final ReviewService reviews;
    private final ReviewQueue queue;
    private final Access access;
    private final SaliencyService saliency;
    private final AttributionMethods methods;
    private final MapsOfNext mapsOfNext;

    ProjectReviewResource(ReviewService reviews, ReviewQueue queue, Access access, SaliencyService saliency,
                          AttributionMethods methods, MapsOfNext mapsOfNext) {
        this.reviews = reviews;
        this.queue = queue;
        this.access = access;
        this.saliency = saliency;
        this.methods = methods;
        this.mapsOfNext = mapsOfNext;
    }

    /** What {@code next} hands out: a sample reserved for the caller and the map of it they may judge. */
    public record HandedSample(long sampleId, long saliencyMapId, long modelId, String method) {
    }

    @POST
    @Path("/next")
    @RolesAllowed({Role.Name.EXPERT, Role.Name.ADMIN})
    @Operation(summary = "Hand me the next sample to review under a model (reserved for me) with its map; 204 when none is left",
            description = "Query: modelId (required), split (test by default), method (vanilla-gradient by default). "
                    + "The answer names the map that a verdict on the sample may judge; a verdict on a map never "
                    + "handed to its reviewer is a 409.")
    public Response next(@PathParam("projectId") long projectId, @QueryParam("modelId") Long modelId,
                         @QueryParam("split") String split, @QueryParam("method") String method) {
        access.requireProject(projectId);
        if (modelId == null) {
            throw new Invalid("Missing modelId", "Name the model version whose maps you review");
        }
        if (access.requireModel(modelId) != projectId) {
            throw new Invalid("Model of another project", "Model " + modelId + " is not a model of project "
                    + projectId);
        }
        String s = Split.parse(split == null ? "test" : split).value();
        String m = methods.get(method == null || method.isBlank() ? "vanilla-gradient" : method.strip()).name();
        Optional<Long> sample = queue.next(projectId, access.caller(), modelId, s, List.of());
        if (sample.isEmpty()) {
            return Response.noContent().build();
        }
        long mapId = saliency.map(sample.get(), modelId, m, "predicted", Map.of(), false).id();
        queue.handOut(access.caller(), sample.get(), mapId);
        mapsOfNext.prepare(projectId, access.caller(), modelId, s, List.of(sample.get()), List.of(m));
        return Response.ok(new HandedSample(sample.get(), mapId, modelId, m)).build();
    }

    @POST
    @Path("/undo")
    @RolesAllowed({Role.Name.EXPERT, Role.Name.ADMIN})
    @Operation(summary = "Undo my last verdict in the project; 404 when there is none")
    public ReviewService.Review undo(@PathParam("projectId") long projectId) {
        access.requireProject(projectId);
        return reviews.undoLast(access.caller(), projectId)
                .orElseThrow(() -> NotFound.of("Verdict of yours in project " + projectId));
    }

    /** Review settings; absent fields stay as they are (numbers read exactly, so that 2.5 is refused, not cut to 2). */
    public record SettingsChange(BigDecimal overlap, BigDecimal reservationMinutes) {
    }

    @GET
    @Path("/settings")
    @Operation(summary = "Reviewers a sample (overlap) and how long a reservation holds")
    public ReviewQueue.Settings settings(@PathParam("projectId") long projectId) {
        access.requireProject(projectId);
        return queue.settingsOf(projectId);
    }

    @PUT
    @Path("/settings")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Role.Name.ADMIN, Role.Name.ENGINEER})
    @Operation(summary = "Change the review settings: {overlap: 1-10, reservationMinutes: 1-1440}")
    public ReviewQueue.Settings configure(@PathParam("projectId") long projectId, SettingsChange body) {
        access.requireProject(projectId);
        if (body == null) {
            throw new Invalid("Missing body", "Send {overlap, reservationMinutes}");
        }
        Map<String, String> problems = new LinkedHashMap<>();
        Integer overlap = whole("overlap", "Overlap", body.overlap(), problems);
        Integer minutes = whole("reservationMinutes", "Reservation time", body.reservationMinutes(), problems);
        if (!problems.isEmpty()) {
            throw new InvalidFields("Invalid review settings", problems);
        }
        return queue.configure(projectId, overlap, minutes);
    }

    /** A whole number of a settings field, or null when absent; a fraction or a huge number is a problem of the field. */
    private static Integer whole(String field, String name, BigDecimal value, Map<String, String> problems) {
        if (value == null) {
            return null;
        }
        BigDecimal v = value.stripTrailingZeros();
        // scientific notation, never toPlainString: 1e-100000000 would spell out a hundred million digits
        String text = value.toString();
        boolean brief = text.length() <= 20;
        if (v.scale() > 0) {
            problems.put(field, name + " " + (brief ? text : "given") + " is not a whole number");
            return null;
        }
        if (v.abs().compareTo(BigDecimal.valueOf(1_000_000)) > 0) {
            problems.put(field, name + " " + (brief ? text : "of " + (v.precision() - v.scale()) + " digits")
                    + " is out of range");
            return null;
        }
        return v.intValueExact();
    }

    @GET
    @Path("/agreement")
    @Operation(summary = "Agreement between reviewers: Cohen's kappa per pair, Krippendorff's alpha and Fleiss' kappa "
            + "over all, and the maps they disagree on")
    public ReviewService.AgreementReport agreement(@PathParam("projectId") long projectId,
                                                   @QueryParam("modelId") Long modelId) {
        access.requireProject(projectId);
        return reviews.agreement(projectId, modelId);
    }
}
