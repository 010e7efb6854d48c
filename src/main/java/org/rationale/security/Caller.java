package org.rationale.security;

/** Who is asking: a logged-in user and their role. */
public record Caller(String username, String role) {

    public boolean isAdmin() {
        return Role.ADMIN.equals(role);
    }

    /** Whether the caller has one of the roles. */
    public boolean hasAnyRole(String... roles) {
        for (String r : roles) {
            if (r.equals(role)) {
                return true;
            }
        }
        return false;
    }
}
