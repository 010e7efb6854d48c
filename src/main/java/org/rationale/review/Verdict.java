package org.rationale.review;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import org.rationale.error.Invalid;

import java.util.Locale;

/** What a reviewer says of a rationale: it is right, it is wrong, or they cannot tell. Stored and sent in lower case. */
public enum Verdict {
    ACCEPT, REJECT, UNSURE;

    /** The name as stored and in JSON: {@code accept}, {@code reject}, {@code unsure}. */
    @JsonValue
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** A verdict from its name, case and surrounding blanks ignored; 400 for anything else. */
    @JsonCreator
    public static Verdict parse(String text) {
        String v = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        for (Verdict verdict : values()) {
            if (verdict.value().equals(v)) {
                return verdict;
            }
        }
        throw new Invalid("Invalid verdict '" + text + "'", "Use accept, reject or unsure");
    }

    @Override
    public String toString() {
        return value();
    }
}
