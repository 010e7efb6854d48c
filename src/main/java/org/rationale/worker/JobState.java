package org.rationale.worker;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/**
 * Where a job is: queued until a worker claims its first item, running, then succeeded, failed
 * (every item failed) or cancelled. The lower-case name is the value of {@code jobs.state} and of
 * the JSON {@code state}.
 */
public enum JobState {
    QUEUED,
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELLED;

    /** The name in the database and in JSON. */
    @JsonValue
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the job has ended: nothing of it will be claimed again. */
    public boolean ended() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }

    /** The state stored in a row. */
    static JobState stored(String value) {
        for (JobState s : values()) {
            if (s.value().equals(value)) {
                return s;
            }
        }
        throw new IllegalStateException("Unknown job state '" + value + "'");
    }
}
