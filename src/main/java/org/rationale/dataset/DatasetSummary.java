package org.rationale.dataset;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * A dataset as the API shows it. A CSV table ({@code format} {@code csv}) has {@code columnCount}
 * feature columns (without its label and id columns); its rows are {@code columnCount} wide, 1 high,
 * 1 channel. Images have no column count (null). {@code warnings}, only in an import's answer: rows of the new
 * table found again in another split (same id, or the same value in every feature).
 */
public record DatasetSummary(long id, long projectId, String name, String split, String format, int sampleCount,
                             Integer width, Integer height, Integer channels, Integer columnCount, String origin,
                             OffsetDateTime createdAt, @JsonInclude(JsonInclude.Include.NON_NULL) List<String> warnings) {

    public static DatasetSummary of(Dataset d) {
        return new DatasetSummary(d.id, d.projectId, d.name, d.split, d.format, d.sampleCount, d.width, d.height,
                d.channels == null ? null : (int) d.channels, DatasetService.CSV.equals(d.format) ? d.width : null,
                d.origin, d.createdAt, d.importWarnings.isEmpty() ? null : d.importWarnings);
    }
}
