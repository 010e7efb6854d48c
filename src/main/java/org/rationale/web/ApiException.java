package org.rationale.web;

/**
 * A request the API refuses, with the HTTP status and a message a person can act on. Services throw
 * it; {@link ApiExceptionMapper} turns it into {@code {"error": ..., "detail": ...}}.
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String detail;

    public ApiException(int status, String error, String detail) {
        super(error);
        this.status = status;
        this.detail = detail;
    }

    public ApiException(int status, String error, String detail, Throwable cause) {
        super(error, cause);
        this.status = status;
        this.detail = detail;
    }

    public static ApiException badRequest(String error, String detail) {
        return new ApiException(400, error, detail);
    }

    public static ApiException notFound(String what) {
        return new ApiException(404, what + " not found", null);
    }

    public int status() {
        return status;
    }

    public String detail() {
        return detail;
    }
}
