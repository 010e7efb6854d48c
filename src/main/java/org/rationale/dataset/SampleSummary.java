package org.rationale.dataset;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A sample as the API shows it; {@code knownShortcut} is the region a model must not rely on, when
 * known. An image has its {@code imageUrl}; a table row has none, but its {@code values} (each
 * feature column's value, in the dataset's column order: numbers as numbers, booleans as booleans,
 * categories as strings) and, when asked for one sample, its dataset's {@code columns}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SampleSummary(long id, long datasetId, long projectId, String split, int label, String className,
                            String source, int width, int height, int channels, Region knownShortcut, String imageUrl,
                            Map<String, Object> values, List<Column> columns) {

    /** A rectangle in pixel coordinates. */
    public record Region(int x, int y, int width, int height) {
    }

    /**
     * A feature column of a table: its name, {@code numeric}, {@code categorical} or {@code boolean},
     * and its categories (empty unless categorical).
     */
    public record Column(String name, String type, List<String> categories) {

        static Column of(TableColumn c) {
            return new Column(c.name(), c.type().name().toLowerCase(Locale.ROOT), c.categories());
        }
    }

    public static SampleSummary of(Sample s, String className) {
        return of(s, className, null, null);
    }

    /** A sample with a table row's values and, when given, its dataset's columns (both null for an image). */
    public static SampleSummary of(Sample s, String className, Map<String, Object> values, List<TableColumn> columns) {
        Region r = s.shortcutX == null ? null : new Region(s.shortcutX, s.shortcutY, s.shortcutWidth, s.shortcutHeight);
        return new SampleSummary(s.id, s.datasetId, s.projectId, s.split, s.label, className, s.source, s.width, s.height,
                s.channels, r, s.tableRow ? null : "/api/samples/" + s.id + "/image.png", values,
                columns == null ? null : columns.stream().map(Column::of).toList());
    }
}
