package org.rationale.error;

/** The caller is known but may not do this (a 403 at the web edge). */
public class Forbidden extends DomainError {

    public Forbidden(String error, String detail) {
        super(Kind.FORBIDDEN, error, detail, null);
    }

    public Forbidden(String error, String detail, Throwable cause) {
        super(Kind.FORBIDDEN, error, detail, cause);
    }
}
