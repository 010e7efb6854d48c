package org.rationale.scheduler;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import org.rationale.error.Invalid;

import java.util.Arrays;
import java.util.Locale;

/** How the review queue is ordered. */
public enum Strategy {
    /** A seeded shuffle: the baseline every other strategy must beat. */
    RANDOM,
    /** Most uncertain predictions first (normalised entropy). */
    UNCERTAINTY,
    /** Maps that disagree most with the experts' masks, measured or predicted, first; a batch is kept diverse. */
    DISAGREEMENT,
    /** A weighted sum of disagreement, uncertainty and red flags; a batch is kept diverse. */
    HYBRID;

    @JsonValue
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a strategy from the API; unknown names are a 400 that lists the valid ones. */
    @JsonCreator
    public static Strategy parse(String s) {
        if (s == null || s.isBlank()) {
            return HYBRID;
        }
        try {
            return valueOf(s.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new Invalid("Unknown strategy '" + s + "'", "Use one of "
                    + Arrays.stream(values()).map(Strategy::value).toList());
        }
    }
}
