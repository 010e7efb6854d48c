package org.rationale.dataset;


import org.rationale.error.Invalid;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Which part of the data a sample belongs to. */
public enum Split {
    TRAIN, VALIDATION, TEST;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code train}, {@code validation} or {@code test}; anything else is a 400. */
    public static Split parse(String text) {
        if (text == null || text.isBlank()) {
            throw new Invalid("Split is required", "Use one of: " + allowed());
        }
        String t = text.strip().toLowerCase(Locale.ROOT);
        for (Split s : values()) {
            if (s.value().equals(t)) {
                return s;
            }
        }
        throw new Invalid("Unknown split '" + text + "'", "Use one of: " + allowed());
    }

    private static String allowed() {
        return Arrays.stream(values()).map(Split::value).collect(Collectors.joining(", "));
    }
}
