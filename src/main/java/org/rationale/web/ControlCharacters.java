package org.rationale.web;

import org.rationale.error.DomainError;
import org.rationale.error.Invalid;
import java.util.Locale;
import java.util.Set;

/**
 * The edge's rule for text a client sends: no control characters (U+0000 to U+001F and U+007F) in
 * any field, except tab, line feed and carriage return in free text (a comment, a description, a
 * model spec). Names, usernames, parameters and paths hold none at all.
 */
public final class ControlCharacters {

    /** Fields of free text, where tab and line breaks are allowed. */
    static final Set<String> FREE_TEXT = Set.of("comment", "description", "spec");

    private ControlCharacters() {
    }

    /** Whether a field (a JSON property or a form field) holds free text. */
    public static boolean freeText(String field) {
        return field != null && FREE_TEXT.contains(field);
    }

    /** The position of the first refused character of a field's value, or -1 when there is none. */
    public static int firstRefused(String value, boolean freeText) {
        if (value == null) {
            return -1;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 || c == 0x7f) && !(freeText && (c == '\t' || c == '\n' || c == '\r'))) {
                return i;
            }
        }
        return -1;
    }

    /** A 400 naming the field (a JSON property, a form field or a parameter) and the character, or null when clean. */
    public static DomainError refusal(String kind, String field, String value, boolean freeText) {
        int at = firstRefused(value, freeText);
        if (at < 0) {
            return null;
        }
        return refused(kind, field, value.charAt(at), at, freeText);
    }

    static DomainError refused(String kind, String field, char c, int at, boolean freeText) {
        String name = field == null || field.isEmpty() ? kind : kind + " '" + printable(field) + "'";
        return new Invalid("Control character in " + name,
                String.format(Locale.ROOT, "U+%04X at position %d; ", (int) c, at)
                        + (freeText ? "free text may hold tab and line breaks but no other control characters"
                        : "names, parameters and paths may hold no control characters"));
    }

    /** A field name as it may be echoed: its control characters replaced by '?'. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), 100));
        for (int i = 0; i < s.length() && i < 100; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return b.toString();
    }
}
