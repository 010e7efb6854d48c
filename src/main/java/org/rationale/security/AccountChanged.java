package org.rationale.security;

/** A user's password, role or enabled flag changed: remembered logins and open UI sessions of that user are stale. */
public record AccountChanged(String username) {
}
