package org.rationale.error;

/** What the request names does not exist or is not visible to the caller (a 404 at the web edge). */
public class NotFound extends DomainError {

    public NotFound(String error, String detail) {
        super(Kind.NOT_FOUND, error, detail, null);
    }

    public NotFound(String error, String detail, Throwable cause) {
        super(Kind.NOT_FOUND, error, detail, cause);
    }

    /** "{what} not found", e.g. {@code NotFound.of("Project 7")}. */
    public static NotFound of(String what) {
        return new NotFound(what + " not found", null);
    }
}
