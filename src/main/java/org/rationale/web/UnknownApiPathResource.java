package org.rationale.web;

import jakarta.annotation.security.PermitAll;
import org.rationale.error.DomainError;
import org.rationale.error.NotFound;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * Answers any path under {@code /api} that no resource serves with a JSON 404, instead of letting
 * the UI's servlet answer with its HTML page.
 */
@Path("/api/{path: .*}")
@Produces(MediaType.APPLICATION_JSON)
@PermitAll
public class UnknownApiPathResource {

    @GET
    @Operation(hidden = true)
    public ApiError get(@PathParam("path") String path) {
        throw unknown(path);
    }

    @POST
    @Operation(hidden = true)
    public ApiError post(@PathParam("path") String path) {
        throw unknown(path);
    }

    @PUT
    @Operation(hidden = true)
    public ApiError put(@PathParam("path") String path) {
        throw unknown(path);
    }

    @DELETE
    @Operation(hidden = true)
    public ApiError delete(@PathParam("path") String path) {
        throw unknown(path);
    }

    @PATCH
    @Operation(hidden = true)
    public ApiError patch(@PathParam("path") String path) {
        throw unknown(path);
    }

    private static DomainError unknown(String path) {
        return new NotFound("No such API endpoint: /api/" + path, "See /q/openapi for the API");
    }
}
