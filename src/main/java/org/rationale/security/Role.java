package org.rationale.security;

import java.util.List;
import java.util.Locale;

/**
 * What a user may do. Admins manage users and see every project; engineers import data, manage
 * models and run jobs; experts review and annotate; auditors read and export. Which projects a
 * non-admin sees is decided by membership, not by role.
 */
public final class Role {

    public static final String ADMIN = "admin";
    public static final String ENGINEER = "engineer";
    public static final String EXPERT = "expert";
    public static final String AUDITOR = "auditor";

    /** Every role, in the order the UI lists them. */
    public static final List<String> ALL = List.of(ADMIN, ENGINEER, EXPERT, AUDITOR);

    private Role() {
    }

    /** The role named, or null when the name is not a role. */
    public static String parse(String name) {
        if (name == null) {
            return null;
        }
        String r = name.strip().toLowerCase(Locale.ROOT);
        return ALL.contains(r) ? r : null;
    }
}
