package org.rationale.review;

import io.quarkus.security.Authenticated;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.rationale.error.Invalid;
import org.rationale.error.TooLarge;
import org.rationale.security.Access;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Reliance on a region of a sample measured by intervention: the region replaced by the dataset's
 * mean, by a blur and by the same region of images of other classes, and the change of the model's
 * decision. Nothing here stores anything.
 */
@Path("/api/samples/{id}/reliance")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Review")
@Authenticated
public class RelianceResource {

    /** Largest mask PNG accepted, in bytes; read no further than this. */
    static final int MOST_MASK_BYTES = 4 << 20;

    private final RelianceService reliance;
    private final Access access;

    RelianceResource(RelianceService reliance, Access access) {
        this.reliance = reliance;
        this.access = access;
    }

    @GET
    @Operation(summary = "How much a model version relies on the sample's marked regions, or on a box",
            description = "Query: modelId (required), draws (images of other classes the region is pasted from, "
                    + "1 to 32, default 8), seed (which images; default the sample id), box=x,y,width,height "
                    + "(image pixels; without it the sample's painted shortcut mask and known shortcut are tested). "
                    + "For each region: the class tested (the model's prediction) and per replacement (mean, blur, "
                    + "other-classes) the target's probability before and after, the drop, the flip rate and the "
                    + "draws. Computed on request, never stored.")
    public List<RelianceService.SampleReliance> ofSample(@PathParam("id") long id, @QueryParam("modelId") String modelId,
                                                         @QueryParam("draws") String draws,
                                                         @QueryParam("seed") String seed,
                                                         @QueryParam("box") String box) {
        access.requireSample(id);
        long model = number("modelId", modelId, true);
        access.requireModel(model);
        Integer k = draws == null ? null : small("draws", draws);
        Long s = seed == null ? null : number("seed", seed, false);
        if (box == null) {
            return reliance.ofMarkedRegions(id, model, k, s);
        }
        String[] parts = box.split(",", -1);
        if (parts.length != 4) {
            throw new Invalid("Invalid box '" + box + "'", "box is x,y,width,height in image pixels, e.g. box=0,0,4,4");
        }
        int[] b = new int[4];
        for (int i = 0; i < 4; i++) {
            long v = number("box", parts[i], false);
            if (v < -1_000_000 || v > 1_000_000) {
                throw new Invalid("Invalid box '" + box + "'", "box is x,y,width,height in image pixels");
            }
            b[i] = (int) v;
        }
        return List.of(reliance.ofBox(id, model, b[0], b[1], b[2], b[3], k, s));
    }

    @POST
    @Consumes("image/png")
    @Operation(summary = "How much a model version relies on a region given as a PNG mask",
            description = "Body: a PNG of the sample's size, at most 4 MiB; pixels that are not black (first channel "
                    + "above 0) are the region. Same query and answer as GET (without box). Computed, never stored.")
    public RelianceService.SampleReliance ofMask(@PathParam("id") long id, @QueryParam("modelId") String modelId,
                                                 @QueryParam("draws") String draws, @QueryParam("seed") String seed,
                                                 @HeaderParam(HttpHeaders.CONTENT_LENGTH) String length,
                                                 InputStream body) {
        access.requireSample(id);
        long model = number("modelId", modelId, true);
        access.requireModel(model);
        Integer k = draws == null ? null : small("draws", draws);
        Long s = seed == null ? null : number("seed", seed, false);
        if (length != null && length.strip().matches("\\d{1,18}") && Long.parseLong(length.strip()) > MOST_MASK_BYTES) {
            throw maskTooLarge();
        }
        byte[] png;
        try {
            png = body == null ? new byte[0] : body.readNBytes(MOST_MASK_BYTES + 1);
        } catch (IOException e) {
            throw new Invalid("Mask not received", "The body broke off before its end: send the PNG again", e);
        }
        if (png.length > MOST_MASK_BYTES) {
            throw maskTooLarge();
        }
        if (png.length == 0) {
            throw new Invalid("No mask", "Send the region as a PNG image of the sample's size in the body");
        }
        return reliance.ofPngMask(id, model, png, k, s);
    }

    private static TooLarge maskTooLarge() {
        return new TooLarge("Mask too large", "A mask PNG may have at most 4 MiB (" + MOST_MASK_BYTES
                + " bytes); a mask of the sample's size is far smaller: send a PNG the size of the sample's image");
    }

    /** A whole number that must fit comfortably in an int (counts). */
    static int small(String name, String text) {
        long v = number(name, text, false);
        if (v < -1_000_000 || v > 1_000_000) {
            throw new Invalid("Invalid " + name + " '" + text + "'", name + " is out of range");
        }
        return (int) v;
    }

    static long number(String name, String text, boolean required) {
        if (text == null || text.isBlank()) {
            if (required) {
                throw new Invalid("Missing " + name, "Give ?" + name + "=");
            }
            throw new Invalid("Invalid " + name, name + " is a whole number");
        }
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new Invalid("Invalid " + name + " '" + text + "'", name + " is a whole number");
        }
    }
}
