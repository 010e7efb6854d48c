package org.rationale.dataset;

import java.time.OffsetDateTime;

/** A dataset as the API shows it. */
public record DatasetSummary(long id, long projectId, String name, String split, String format, int sampleCount,
                             Integer width, Integer height, Integer channels, String origin, OffsetDateTime createdAt) {

    public static DatasetSummary of(Dataset d) {
        return new DatasetSummary(d.id, d.projectId, d.name, d.split, d.format, d.sampleCount, d.width, d.height,
                d.channels == null ? null : (int) d.channels, d.origin, d.createdAt);
    }
}
