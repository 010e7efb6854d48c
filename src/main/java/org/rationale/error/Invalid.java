package org.rationale.error;

/** The request or its data is malformed or out of range (a 400 at the web edge). */
public class Invalid extends DomainError {

    public Invalid(String error, String detail) {
        super(Kind.INVALID, error, detail, null);
    }

    public Invalid(String error, String detail, Throwable cause) {
        super(Kind.INVALID, error, detail, cause);
    }
}
