package org.rationale.error;

/**
 * A request the domain refuses, with a message a person can act on and an optional detail. Services
 * throw its subtypes; the web edge ({@code web.ApiExceptionMapper}) alone turns each {@link Kind}
 * into an HTTP status, so no service knows about HTTP.
 */
public abstract class DomainError extends RuntimeException {

    /** What went wrong, in domain terms; the web edge maps each to one status code. */
    public enum Kind { INVALID, NOT_FOUND, CONFLICT, FORBIDDEN, NOT_LOGGED_IN, TOO_LARGE, UNPROCESSABLE, UNAVAILABLE }

    private final Kind kind;
    private final String detail;

    protected DomainError(Kind kind, String error, String detail, Throwable cause) {
        super(error, cause);
        this.kind = kind;
        this.detail = detail;
    }

    public Kind kind() {
        return kind;
    }

    /** The short message ("Project not found"). */
    public String error() {
        return getMessage();
    }

    /** What to do about it or why, or null. */
    public String detail() {
        return detail;
    }

    /** The message and its detail in one line, as the UI shows them. */
    public String describe() {
        return detail == null || detail.isBlank() ? getMessage() : getMessage() + ": " + detail;
    }
}
