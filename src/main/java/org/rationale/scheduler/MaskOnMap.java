package org.rationale.scheduler;

import org.rationale.dataset.FeatureSet;
import org.rationale.dataset.Sample;
import org.rationale.dataset.SampleStore;
import org.rationale.dataset.TableColumn;
import org.rationale.model.InputSpec;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Lines an expert's mask up with a model version's maps. An image's mask is painted in the image's
 * pixels and goes onto the model's grid through its fit; a row's mask marks columns in its
 * dataset's order and goes onto the model's features by name ({@link FeatureSet#inOrder}), the
 * order a row's map is in (one value per feature).
 */
final class MaskOnMap {

    private final InputSpec spec;
    private final List<String> features;
    private final SampleStore samples;
    private final Map<Long, List<TableColumn>> columns = new HashMap<>();

    /**
     * @param features a tabular model's features in its maps' order; null for an image model
     */
    MaskOnMap(InputSpec spec, List<String> features, SampleStore samples) {
        this.spec = spec;
        this.features = features == null ? null : List.copyOf(features);
        this.samples = samples;
    }

    /** Whether the model's maps are rows: one value per feature. */
    boolean rows() {
        return features != null;
    }

    /** Width of the model's maps: its features for rows, its grid's width for images. */
    int width() {
        return rows() ? features.size() : spec.width();
    }

    /** Height of the model's maps: 1 for rows. */
    int height() {
        return rows() ? 1 : spec.height();
    }

    /** The mask on the model's maps; null when the sample is gone or the mask is not of its size. */
    byte[] of(byte[] mask, Sample s) {
        if (!rows()) {
            return SchedulerService.onModelGrid(spec, mask, s);
        }
        if (mask == null || s == null || s.datasetId == null) {
            return null;
        }
        List<TableColumn> c = columns.computeIfAbsent(s.datasetId, samples::columns);
        return mask.length == c.size() ? FeatureSet.inOrder(c, mask, features) : null;
    }

    /** Marked regions of these masks (already on the maps): an image's connected parts, a row's single features. */
    MarkedRegions regions(List<byte[]> masks) {
        return rows() ? MarkedRegions.ofFeatures(masks, features.size()) : MarkedRegions.of(masks, spec.width(), spec.height());
    }
}
