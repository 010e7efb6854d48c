package org.rationale.model;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.OffsetDateTime;

/**
 * A model version as the API shows it. {@code spec} is the spec as uploaded: an image model's
 * (channels, height, width, …; {@code fit} and {@code interpolation} repeat its own: how images of
 * other sizes reach the model) or a tabular model's (features, classes, mean, std; fit and
 * interpolation null). {@code modality} says which: {@code images} or {@code tabular}. {@code heldOut}, only in
 * an upload's answer: its accuracy on the project's test samples beside the commonest class's share.
 */
public record ModelSummary(long id, long projectId, String name, int version, String kind, String origin, String sha256,
                           boolean supportsCam, ModelSpec spec, String fit, String interpolation, Long parentId,
                           OffsetDateTime createdAt, String modality,
                           @JsonInclude(JsonInclude.Include.NON_NULL) PredictionService.HeldOutAccuracy heldOut) {

    public static ModelSummary of(ModelVersion v) {
        ModelSpec spec = ModelService.uploadedSpecOf(v);
        InputSpec image = spec instanceof InputSpec i ? i : null;
        return new ModelSummary(v.id, v.projectId, v.name, v.version, v.kind, v.origin, v.sha256, v.supportsCam,
                spec, image == null ? null : image.fit(), image == null ? null : image.interpolation(), v.parentId,
                v.createdAt, image == null ? "tabular" : "images", null);
    }

    /** The answer of an upload: with the new version's accuracy on held-out rows, when it was measured. */
    public ModelSummary withHeldOut(PredictionService.HeldOutAccuracy measured) {
        return new ModelSummary(id, projectId, name, version, kind, origin, sha256, supportsCam, spec, fit, interpolation,
                parentId, createdAt, modality, measured);
    }
}
