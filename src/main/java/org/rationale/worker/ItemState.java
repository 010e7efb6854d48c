package org.rationale.worker;

import java.util.Locale;

/**
 * Where one item of a job is: queued, leased by a worker until its lease ends, then succeeded,
 * failed (after its last attempt) or cancelled with its job. The lower-case name is the value of
 * {@code job_items.state}.
 */
public enum ItemState {
    QUEUED,
    LEASED,
    SUCCEEDED,
    FAILED,
    CANCELLED;

    /** The name in the database. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The state stored in a row. */
    static ItemState stored(String value) {
        for (ItemState s : values()) {
            if (s.value().equals(value)) {
                return s;
            }
        }
        throw new IllegalStateException("Unknown item state '" + value + "'");
    }
}
