package org.rationale.database;

import java.util.Collection;
import java.util.stream.Collectors;

/**
 * PostgreSQL array literals for native queries ({@code = any(cast(?1 as bigint[]))}), so a batch
 * of ids travels as one parameter.
 */
public final class PgArray {

    private PgArray() {
    }

    /** {@code {1,2,3}} for bigint[]. */
    public static String ofLongs(Collection<Long> ids) {
        return ids.stream().map(String::valueOf).collect(Collectors.joining(",", "{", "}"));
    }

    /** {@code {0.1,0.2}} for real[]. */
    public static String ofFloats(Collection<Double> values) {
        return values.stream().map(d -> Float.toString(d.floatValue())).collect(Collectors.joining(",", "{", "}"));
    }
}
