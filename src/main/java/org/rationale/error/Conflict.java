package org.rationale.error;

/** The request contradicts the current state (held by another reviewer, already running, ...; a 409 at the web edge). */
public class Conflict extends DomainError {

    public Conflict(String error, String detail) {
        super(Kind.CONFLICT, error, detail, null);
    }

    public Conflict(String error, String detail, Throwable cause) {
        super(Kind.CONFLICT, error, detail, cause);
    }
}
