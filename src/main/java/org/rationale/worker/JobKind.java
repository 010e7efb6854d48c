package org.rationale.worker;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;
import java.util.Optional;

/**
 * What a job computes: saliency maps, predictions only, a new model version, or sanity checks. The lower-case
 * name is the value of {@code jobs.kind}, of the REST {@code type} and of the JSON {@code kind}.
 */
public enum JobKind {
    SALIENCY,
    PREDICT,
    TRAIN,
    /** Randomisation sanity checks of one model version: one item per method. */
    SANITY;

    /** The name in the database and in JSON. */
    @JsonValue
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kind of this exact name, if any. */
    public static Optional<JobKind> of(String value) {
        for (JobKind k : values()) {
            if (k.value().equals(value)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    /** The kind stored in a row; an unknown name there is a broken database. */
    static JobKind stored(String value) {
        return of(value).orElseThrow(() -> new IllegalStateException("Unknown job kind '" + value + "'"));
    }
}
