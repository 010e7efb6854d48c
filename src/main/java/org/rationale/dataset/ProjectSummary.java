package org.rationale.dataset;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/** A project as the API shows it: its modality ({@code images} or {@code tabular}), its class names, datasets and sample counts by split. */
public record ProjectSummary(long id, String name, String description, String modality, OffsetDateTime createdAt,
                             List<String> classNames, long sampleCount, Map<String, Long> samplesBySplit,
                             List<DatasetSummary> datasets) {
}
