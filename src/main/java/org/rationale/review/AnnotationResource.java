package org.rationale.review;

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

import java.util.Base64;
import java.util.List;

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

    /** A mask: kind, base64 of one byte (0/1) per pixel row by row, and the version loaded (0 when none). */
    public record NewAnnotation(String kind, String mask, Integer version) {
    }

    @GET
    @Operation(summary = "The sample's masks (mask: base64, one byte 0/1 per pixel, row by row)")
    public List<ReviewService.Annotation> list(@PathParam("sampleId") long sampleId) {
        access.requireSample(sampleId);
        return reviews.annotations(sampleId);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Role.Name.EXPERT, Role.Name.ADMIN})
    @Operation(summary = "Save a mask: {kind: relevant|shortcut, mask: base64 of width×height bytes 0/1, version}",
            description = "The version is the one you loaded (0 for none); if someone saved the mask since, 409. "
                    + "A sample the project's overlap gave to other reviewers is a 409 naming them. "
                    + "An all-zero mask clears it (kept with 0 pixels and a new version).")
    public Response save(@PathParam("sampleId") long sampleId, NewAnnotation body) {
        access.requireSample(sampleId);
        if (body == null || body.mask() == null) {
            throw new Invalid("Missing mask", "Send {kind, mask (base64), version}");
        }
        byte[] mask;
        try {
            mask = Base64.getDecoder().decode(body.mask());
        } catch (IllegalArgumentException e) {
            throw new Invalid("Mask is not base64", e.getMessage());
        }
        var saved = reviews.annotate(access.caller(), sampleId, body.kind(), mask,
                body.version() == null ? 0 : body.version());
        return Response.status(201).entity(saved.orElseThrow()).build();
    }
}
