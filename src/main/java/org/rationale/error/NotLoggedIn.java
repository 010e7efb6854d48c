package org.rationale.error;

/** No caller is logged in (a 401 at the web edge). */
public class NotLoggedIn extends DomainError {

    public NotLoggedIn(String error, String detail) {
        super(Kind.NOT_LOGGED_IN, error, detail, null);
    }

    public NotLoggedIn(String error, String detail, Throwable cause) {
        super(Kind.NOT_LOGGED_IN, error, detail, cause);
    }
}
