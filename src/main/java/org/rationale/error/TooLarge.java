package org.rationale.error;

/** The input is beyond a configured limit (a 413 at the web edge). */
public class TooLarge extends DomainError {

    public TooLarge(String error, String detail) {
        super(Kind.TOO_LARGE, error, detail, null);
    }

    public TooLarge(String error, String detail, Throwable cause) {
        super(Kind.TOO_LARGE, error, detail, cause);
    }
}
