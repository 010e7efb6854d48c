package org.rationale.error;

/** The input is well formed but cannot be used with what it names, e.g. a sample that does not fit the model (a 422 at the web edge). */
public class Unprocessable extends DomainError {

    public Unprocessable(String error, String detail) {
        super(Kind.UNPROCESSABLE, error, detail, null);
    }

    public Unprocessable(String error, String detail, Throwable cause) {
        super(Kind.UNPROCESSABLE, error, detail, cause);
    }
}
