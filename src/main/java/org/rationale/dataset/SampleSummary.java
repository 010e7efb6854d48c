package org.rationale.dataset;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A sample as the API shows it; {@code knownShortcut} is the region a model must not rely on, when known. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SampleSummary(long id, long datasetId, long projectId, String split, int label, String className,
                            String source, int width, int height, int channels, Region knownShortcut, String imageUrl) {

    /** A rectangle in pixel coordinates. */
    public record Region(int x, int y, int width, int height) {
    }

    public static SampleSummary of(Sample s, String className) {
        Region r = s.shortcutX == null ? null : new Region(s.shortcutX, s.shortcutY, s.shortcutWidth, s.shortcutHeight);
        return new SampleSummary(s.id, s.datasetId, s.projectId, s.split, s.label, className, s.source, s.width, s.height,
                s.channels, r, "/api/samples/" + s.id + "/image.png");
    }
}
