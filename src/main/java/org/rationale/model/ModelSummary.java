package org.rationale.model;

import java.time.OffsetDateTime;

/**
 * A model version as the API shows it; {@code fit} and {@code interpolation} repeat the spec's: how
 * images of other sizes reach the model.
 */
public record ModelSummary(long id, long projectId, String name, int version, String kind, String origin, String sha256,
                           boolean supportsCam, InputSpec spec, String fit, String interpolation, Long parentId,
                           OffsetDateTime createdAt) {

    public static ModelSummary of(ModelVersion v) {
        InputSpec spec = ModelService.specOf(v);
        return new ModelSummary(v.id, v.projectId, v.name, v.version, v.kind, v.origin, v.sha256, v.supportsCam,
                spec, spec.fit(), spec.interpolation(), v.parentId, v.createdAt);
    }
}
