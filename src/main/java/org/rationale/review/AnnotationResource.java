package org.rationale.review;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.rationale.dataset.TableColumn;
import org.rationale.error.Invalid;
import io.quarkus.security.Authenticated;
import jakarta.annotation.security.RolesAllowed;
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
import org.rationale.security.Access;
import org.rationale.security.Role;

import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/** Annotation masks of a sample: what should matter ({@code relevant}) and what must not ({@code shortcut}). */
@Path("/api/samples/{sampleId}/annotations")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Review")
@Authenticated
public class AnnotationResource {

    private final ReviewService reviews;
    private final Access access;

    AnnotationResource(ReviewService reviews, Access access) {
        this.reviews = reviews;
        this.access = access;
    }

    /**
     * A mask: kind, and either base64 of one byte (0/1) per pixel row by row or, on a table row, the
     * names of the marked features; and the version loaded (0 when none).
     */
    public record NewAnnotation(String kind, String mask, List<String> features, Integer version) {
    }

    /** An annotation as answered: the stored mask and, on a table row, the names of the features it marks. */
    public record AnnotationAnswer(long id, long sampleId, String kind, int width, int height, int pixels, byte[] mask,
                                   int version, String author, OffsetDateTime updatedAt,
                                   @JsonInclude(JsonInclude.Include.NON_NULL) List<String> features) {

        static AnnotationAnswer of(ReviewService.Annotation a, Optional<List<TableColumn>> columns) {
            return new AnnotationAnswer(a.id(), a.sampleId(), a.kind(), a.width(), a.height(), a.pixels(), a.mask(),
                    a.version(), a.author(), a.updatedAt(), columns.map(c -> ReviewService.features(c, a)).orElse(null));
        }
    }

    @GET
    @Operation(summary = "The sample's masks (mask: base64, one byte 0/1 per pixel, row by row; "
            + "on a table row also features: the names of the marked features)")
    public List<AnnotationAnswer> list(@PathParam("sampleId") long sampleId) {
        access.requireSample(sampleId);
        Optional<List<TableColumn>> columns = reviews.rowColumns(sampleId);
        return reviews.annotations(sampleId).stream().map(a -> AnnotationAnswer.of(a, columns)).toList();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Role.Name.EXPERT, Role.Name.ADMIN})
    @Operation(summary = "Save a mask: {kind: relevant|shortcut, mask: base64 of width×height bytes 0/1, version}, "
            + "or on a table row {kind, features: [names of the marked features], version}",
            description = "Send exactly one of mask and features; features only on a table row (an image takes a mask). "
                    + "The version is the one you loaded (0 for none); if someone saved the mask since, 409. "
                    + "A sample the project's overlap gave to other reviewers is a 409 naming them. "
                    + "An all-zero mask, or features: [], clears it (kept with 0 pixels and a new version).")
    public Response save(@PathParam("sampleId") long sampleId, NewAnnotation body) {
        access.requireSample(sampleId);
        if (body == null || (body.mask() == null && body.features() == null)) {
            throw new Invalid("Missing mask", "Send {kind, mask (base64), version}, or on a table row "
                    + "{kind, features: [names], version}");
        }
        if (body.mask() != null && body.features() != null) {
            throw new Invalid("Both mask and features", "Send one of them: mask (base64) or features (names of a "
                    + "table row's features)");
        }
        int version = body.version() == null ? 0 : body.version();
        if (body.features() != null) {
            var saved = reviews.annotateFeatures(access.caller(), sampleId, body.kind(), body.features(), version);
            return Response.status(201).entity(AnnotationAnswer.of(saved.orElseThrow(), reviews.rowColumns(sampleId)))
                    .build();
        }
        byte[] mask;
        try {
            mask = Base64.getDecoder().decode(body.mask());
        } catch (IllegalArgumentException e) {
            throw new Invalid("Mask is not base64", e.getMessage());
        }
        var saved = reviews.annotate(access.caller(), sampleId, body.kind(), mask, version);
        return Response.status(201).entity(AnnotationAnswer.of(saved.orElseThrow(), reviews.rowColumns(sampleId)))
                .build();
    }
}
