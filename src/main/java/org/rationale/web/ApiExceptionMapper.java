package org.rationale.web;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.inject.Inject;
import java.io.IOException;
import java.math.BigInteger;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.rationale.error.DomainError;
import org.rationale.error.Invalid;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.stream.Collectors;

/** Turns every failure at the REST edge into a JSON {@link ApiError} with a fitting status. */
public class ApiExceptionMapper {

    private static final Logger LOG = Logger.getLogger(ApiExceptionMapper.class);

    @Inject
    UploadLimit uploadLimit;

    @ServerExceptionMapper
    public Response api(DomainError e) {
        if (e.kind() == DomainError.Kind.NOT_LOGGED_IN) {
            return unauthorized(e, null);
        }
        return respond(status(e.kind()), e.getMessage(), e.detail());
    }

    /** The one place where a domain error becomes an HTTP status. */
    static int status(DomainError.Kind kind) {
        return switch (kind) {
            case INVALID -> 400;
            case NOT_LOGGED_IN -> 401;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case TOO_LARGE -> 413;
            case UNPROCESSABLE -> 422;
            case UNAVAILABLE -> 503;
        };
    }

    /**
     * Nobody (or a wrong password) logged in: a JSON 401, never the UI's login redirect. Scripts get a
     * Basic challenge; requests from the UI's pages (they carry its cookies) do not, or the browser
     * would open its own password dialog over the app when a login expires.
     */
    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public Response unauthorized(RuntimeException e, HttpHeaders headers) {
        Response.ResponseBuilder r = Response.status(401).type(MediaType.APPLICATION_JSON)
                .entity(new ApiError("Not logged in", "Send a username and password with HTTP Basic; "
                        + "a wrong password or a disabled account is refused"));
        var cookies = headers == null ? Map.<String, Cookie>of() : headers.getCookies();
        if (!cookies.containsKey("JSESSIONID") && !cookies.containsKey("quarkus-credential")) {
            r.header("WWW-Authenticate", "Basic realm=\"Rationale\", charset=\"UTF-8\"");
        }
        return r.build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
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
        if (e instanceof ControlCharacterException c) {
            return api(c.refusal());
        }
        if (e instanceof JsonMappingException m && !(e instanceof JsonParseException)) {
            return mapping(m);
        }
        return respond(400, "Malformed JSON", parseProblem(e));
    }

    /**
     * A body that is JSON but not of the shape the endpoint reads ({@code {"name": ["a"]}}, {@code []},
     * {@code "modelId": "abc"}): a 400 naming the field and what it should hold. RESTEasy's own mappers
     * for these answer an empty 400, so each Jackson type is mapped here by name.
     */
    @ServerExceptionMapper({MismatchedInputException.class, InvalidFormatException.class,
            ValueInstantiationException.class,
            UnrecognizedPropertyException.class,
            InvalidDefinitionException.class, JsonMappingException.class})
    public Response mapping(JsonMappingException e) {
        if (e instanceof ControlCharacterException c) {
            return api(c.refusal());
        }
        if (e.getCause() instanceof DomainError api) {
            return api(api);
        }
        String field = e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
        if (e instanceof UnrecognizedPropertyException u) {
            List<String> known = u.getKnownPropertyIds() == null ? List.of() : u.getKnownPropertyIds().stream()
                    .map(String::valueOf).sorted().limit(30).toList();
            String where = field.contains(".") || field.contains("[") ? " (at " + ControlCharacters.printable(field) + ")" : "";
            return respond(400, "Unknown field '" + ControlCharacters.printable(String.valueOf(u.getPropertyName())) + "'",
                    "The body has a field this endpoint does not read" + where
                            + (known.isEmpty() ? "" : "; it reads " + String.join(", ", known)));
        }
        String expected = e instanceof MismatchedInputException mi ? expected(mi.getTargetType()) : null;
        if (expected == null && e.getCause() instanceof InputCoercionException ic && expected(ic.getTargetType()) != null) {
            // a number too large for its field (a version of 10^20): Jackson names the type it wanted
            expected = expected(ic.getTargetType()) + " within the range of its type";
        }
        if (field.isEmpty()) {
            return respond(400, "Wrong JSON body", "The body must be " + (expected == null ? "a JSON object" : expected)
                    + " with the fields this endpoint reads");
        }
        return respond(400, "Wrong type for '" + ControlCharacters.printable(field) + "'",
                field + " must be " + (expected == null ? "of another type" : expected));
    }

    private static String expected(Class<?> t) {
        if (t == null) {
            return null;
        }
        if (t == String.class || t == Character.class || t == char.class || t.isEnum()) {
            return "a string";
        }
        if (t == Long.class || t == long.class || t == Integer.class || t == int.class || t == Short.class
                || t == short.class || t == BigInteger.class) {
            return "a whole number";
        }
        if (Number.class.isAssignableFrom(t) || t == double.class || t == float.class) {
            return "a number";
        }
        if (t == Boolean.class || t == boolean.class) {
            return "true or false";
        }
        if (t.isArray() || Collection.class.isAssignableFrom(t)) {
            return "a list";
        }
        return "an object";
    }

    /** Jackson's description of a syntax error, without the source excerpt it quotes. */
    private static String parseProblem(JsonProcessingException e) {
        String m = e.getOriginalMessage();
        return m == null ? "The body is not valid JSON" : ControlCharacters.printable(m);
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
        if (status == 413 && cause == e && detail != null && detail.startsWith("HTTP 413")) {
            // RESTEasy's own 413 when a form field sent as text (not as a file) is over the limit
            detail = "A form field sent as text is over " + ConfigProvider.getConfig().getOptionalValue(
                    "quarkus.http.limits.max-form-attribute-size", String.class).orElse("the limit") + "; send a long "
                    + "value as a file part instead, such as a model's spec: -F spec=@spec.json";
        }
        if (status == 404 && cause instanceof IllegalArgumentException) {
            // JAX-RS answers 404 when a query or path parameter does not convert (limit=ten): it is bad input
            return respond(400, "Invalid parameter", "A parameter does not have the expected type: " + detail);
        }
        if (cause instanceof JsonProcessingException jpe) {
            return json(jpe);
        }
        if (status >= 500) {
            return unexpected(e);
        }
        String allow = e.getResponse().getHeaderString(HttpHeaders.ALLOW);
        if (status == 405 && allow != null) {
            // the methods the path does take, as HTTP asks of a 405
            return Response.fromResponse(respond(status, error, detail)).header(HttpHeaders.ALLOW, allow).build();
        }
        return respond(status, error, detail);
    }

    /**
     * A request body sent without a length that grew past the HTTP layer's backstop while a form was
     * read is a 413 naming the upload limit (RESTEasy reports it as a plain IOException); any other
     * failure to read or write is unexpected.
     */
    @ServerExceptionMapper
    public Response io(IOException e) {
        if (UploadLimit.READ_PAST_BACKSTOP.equals(e.getMessage())) {
            return api(uploadLimit.passedWhileRead());
        }
        return unexpected(e);
    }

    /**
     * Anything else, an {@link Error} such as OutOfMemoryError included: a 500 whose body carries only
     * a random error id; the exception, with that id, goes to the log. No SQL, class name or stack
     * trace reaches the client.
     */
    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        String id = UUID.randomUUID().toString();
        LOG.errorf(e, "Unexpected error %s", id);
        return respond(500, "Internal error", "Error id " + id + "; the server log has the details");
    }

    static Response respond(int status, String error, String detail) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(new ApiError(error, detail)).build();
    }

    private static String lastNode(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? path : path.substring(dot + 1);
    }
}
