package org.rationale.security;

/** Who is asking: a logged-in user and their role. */
public record Caller(String username, Role role) {

    public boolean isAdmin() {
        return role == Role.ADMIN;
    }

    /** Whether the caller has one of the roles. */
    public boolean hasAnyRole(Role... roles) {
        for (Role r : roles) {
            if (r == role) {
                return true;
            }
        }
        return false;
    }
}
