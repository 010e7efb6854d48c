package org.rationale.security;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;
import java.util.Optional;

/**
 * What a user may do. Admins manage users and see every project; engineers import data, manage
 * models and run jobs; experts review and annotate; auditors read and export. Which projects a
 * non-admin sees is decided by membership, not by role. Declared in the order the UI lists them;
 * stored, sent as JSON and given to Quarkus security as the lower-case {@link #value()}.
 */
public enum Role {
    ADMIN, ENGINEER, EXPERT, AUDITOR;

    /**
     * The roles' names as compile-time constants, for {@code @RolesAllowed} (annotations cannot take an
     * enum's {@link #value()}).
     */
    public static final class Name {
        public static final String ADMIN = "admin";
        public static final String ENGINEER = "engineer";
        public static final String EXPERT = "expert";
        public static final String AUDITOR = "auditor";

        private Name() {
        }
    }

    private final String value = name().toLowerCase(Locale.ROOT);

    /** The lower-case name: in the database, in JSON, in the security identity. */
    @JsonValue
    public String value() {
        return value;
    }

    /** The role named (surrounding blanks and case ignored), or empty when the name is not a role. */
    public static Optional<Role> of(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String v = name.strip().toLowerCase(Locale.ROOT);
        for (Role r : values()) {
            if (r.value.equals(v)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** The lower-case name, as in {@link #value()}. */
    @Override
    public String toString() {
        return value;
    }
}
