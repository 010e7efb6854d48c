package org.rationale.database;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** A timestamptz column of a native query as an OffsetDateTime, whichever Java type the driver chose. */
public final class PgTime {

    private PgTime() {
    }

    /** The value as an OffsetDateTime (UTC when the driver gave an instant), or null. */
    public static OffsetDateTime of(Object value) {
        if (value instanceof OffsetDateTime t) {
            return t;
        }
        if (value instanceof Instant i) {
            return i.atOffset(ZoneOffset.UTC);
        }
        if (value instanceof Timestamp t) {
            return t.toInstant().atOffset(ZoneOffset.UTC);
        }
        return null;
    }
}
