package org.rationale.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.stream.Collectors;

/** Turns every failure at the REST edge into a JSON {@link ApiError} with a fitting status. */
public class ApiExceptionMapper {

    private static final Logger LOG = Logger.getLogger(ApiExceptionMapper.class);

    @ServerExceptionMapper
    public Response api(ApiException e) {
        if (e.status() == 401) {
            return unauthorized(e, null);
        }
        return respond(e.status(), e.getMessage(), e.detail());
    }

    /**
     * Nobody (or a wrong password) logged in: a JSON 401, never the UI's login redirect. Scripts get a
     * Basic challenge; requests from the UI's pages (they carry its cookies) do not, or the browser
     * would open its own password dialog over the app when a login expires.
     */
    @ServerExceptionMapper({io.quarkus.security.UnauthorizedException.class, io.quarkus.security.AuthenticationFailedException.class})
    public Response unauthorized(RuntimeException e, jakarta.ws.rs.core.HttpHeaders headers) {
        Response.ResponseBuilder r = Response.status(401).type(MediaType.APPLICATION_JSON)
                .entity(new ApiError("Not logged in", "Send a username and password with HTTP Basic; "
                        + "a wrong password or a disabled account is refused"));
        var cookies = headers == null ? java.util.Map.<String, jakarta.ws.rs.core.Cookie>of() : headers.getCookies();
        if (!cookies.containsKey("JSESSIONID") && !cookies.containsKey("quarkus-credential")) {
            r.header("WWW-Authenticate", "Basic realm=\"Rationale\", charset=\"UTF-8\"");
        }
        return r.build();
    }

    @ServerExceptionMapper
    public Response forbidden(io.quarkus.security.ForbiddenException e) {
        return respond(403, "Not allowed", "Your role does not allow this");
    }

    @ServerExceptionMapper
    public Response validation(ConstraintViolationException e) {
        String detail = e.getConstraintViolations().stream()
                .map(v -> lastNode(v.getPropertyPath().toString()) + ": " + v.getMessage())
                .sorted()
                .collect(Collectors.joining("; "));
        return respond(400, "Invalid request", detail);
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        return respond(400, "Malformed JSON", e.getOriginalMessage());
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        String error = switch (status) {
            case 404 -> "Not found";
            case 405 -> "Method not allowed";
            case 406 -> "Not acceptable";
            case 413 -> "Upload too large";
            case 415 -> "Unsupported media type";
            default -> status >= 500 ? "Internal error" : "Bad request";
        };
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        String detail = cause.getMessage();
        if (status == 404 && cause instanceof IllegalArgumentException) {
            // JAX-RS answers 404 when a query or path parameter does not convert (limit=ten): it is bad input
            return respond(400, "Invalid parameter", "A parameter does not have the expected type: " + detail);
        }
        if (cause instanceof JsonProcessingException jpe) {
            error = "Malformed JSON";
            detail = jpe.getOriginalMessage();
        }
        return respond(status, error, detail);
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        LOG.error("Unexpected error", e);
        return respond(500, "Internal error", e.getClass().getSimpleName() + ": " + e.getMessage());
    }

    static Response respond(int status, String error, String detail) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(new ApiError(error, detail)).build();
    }

    private static String lastNode(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? path : path.substring(dot + 1);
    }
}
