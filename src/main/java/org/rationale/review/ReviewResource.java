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

import java.util.List;

/** Verdicts on a sample's maps: every reviewer's, and the caller's own to add or change. */
@Path("/api/samples/{sampleId}/reviews")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Review")
@Authenticated
public class ReviewResource {

    private final ReviewService reviews;
    private final Access access;

    ReviewResource(ReviewService reviews, Access access) {
        this.reviews = reviews;
        this.access = access;
    }

    /** A verdict: the map judged, accept / reject / unsure, a comment, and the version seen (0 or absent for new). */
    public record NewVerdict(Long saliencyMapId, String verdict, String comment, Integer version) {
    }

    @GET
    @Operation(summary = "Every verdict on the sample's maps, newest first")
    public List<ReviewService.Review> list(@PathParam("sampleId") long sampleId) {
        access.requireSample(sampleId);
        return reviews.reviewsOf(sampleId);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Role.Name.EXPERT, Role.Name.ADMIN})
    @Operation(summary = "Judge a map of the sample: {saliencyMapId, verdict: accept|reject|unsure, comment, version}",
            description = "One verdict per reviewer and map; sending it again changes it (send the version you saw: "
                    + "a different stored version is a 409). A sample the project's overlap gave to other reviewers is a 409, "
                    + "and so is a map never handed to you (by POST /api/projects/{id}/review/next or the review page).")
    public Response add(@PathParam("sampleId") long sampleId, NewVerdict body) {
        access.requireSample(sampleId);
        if (body == null) {
            throw new Invalid("Missing body", "Send {saliencyMapId, verdict, comment}");
        }
        return Response.status(201).entity(reviews.verdict(access.caller(), sampleId, body.saliencyMapId(),
                body.verdict(), body.comment(), body.version())).build();
    }
}
