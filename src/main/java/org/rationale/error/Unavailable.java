package org.rationale.error;

/** A computation failed for a passing reason and may succeed when tried again (a 503 at the web edge). */
public class Unavailable extends DomainError {

    public Unavailable(String error, String detail) {
        super(Kind.UNAVAILABLE, error, detail, null);
    }

    public Unavailable(String error, String detail, Throwable cause) {
        super(Kind.UNAVAILABLE, error, detail, cause);
    }
}
