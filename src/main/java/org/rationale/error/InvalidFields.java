package org.rationale.error;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Input with one or more fields out of range or malformed (a 400 like {@link Invalid}): every
 * problem at once, each under the name of its field, so that a form can show each at its field and
 * the API's detail lists them all.
 */
public class InvalidFields extends Invalid {

    private final Map<String, String> problems;

    /** {@code problems}: what is wrong with each field, by field name, in the order a form shows them. */
    public InvalidFields(String error, Map<String, String> problems) {
        super(error, String.join("; ", problems.values()));
        this.problems = Collections.unmodifiableMap(new LinkedHashMap<>(problems));
    }

    /** What is wrong, by field name. */
    public Map<String, String> problems() {
        return problems;
    }
}
