package org.rationale.model;

import java.time.OffsetDateTime;

/** A model version as the API shows it. */
public record ModelSummary(long id, long projectId, String name, int version, String kind, String origin, String sha256,
                           boolean supportsCam, InputSpec spec, Long parentId, OffsetDateTime createdAt) {

    public static ModelSummary of(ModelVersion v) {
        return new ModelSummary(v.id, v.projectId, v.name, v.version, v.kind, v.origin, v.sha256, v.supportsCam,
                ModelService.specOf(v), v.parentId, v.createdAt);
    }
}
