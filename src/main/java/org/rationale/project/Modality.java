package org.rationale.project;

import org.rationale.error.Invalid;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a project's samples are: images (pixels, saliency maps) or table rows (typed features, feature
 * attributions). Fixed when the project is created; every dataset and model of the project has it.
 */
public enum Modality {
    IMAGES, TABULAR;

    /** The name in the API and the database: {@code images}, {@code tabular}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The modality of an API value; null or blank is images (the default); anything else is a 400. */
    public static Modality parse(String value) {
        if (value == null || value.isBlank()) {
            return IMAGES;
        }
        for (Modality m : values()) {
            if (m.wireName().equals(value.strip().toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new Invalid("Unknown modality", "modality must be one of "
                + Arrays.stream(values()).map(Modality::wireName).collect(Collectors.joining(", ")) + "; got '"
                + (value.length() > 40 ? value.substring(0, 40) + "…" : value) + "'");
    }
}
