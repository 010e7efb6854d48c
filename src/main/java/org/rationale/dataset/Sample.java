package org.rationale.dataset;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.Formula;

/**
 * One labelled image, or one row of a table (a CSV dataset of a tabular project). An image's pixels
 * live in the same row as PNG and a table row's values as JSON, neither mapped here: the
 * {@link SampleStore} reads them apart, so listing samples never loads them. A table row is
 * {@code width} = its feature columns wide, 1 high, 1 channel.
 */
@Entity
@Table(name = "samples")
public class Sample extends PanacheEntityBase {

    @Id
    public Long id;

    @Column(name = "dataset_id", nullable = false)
    public Long datasetId;

    @Column(name = "project_id", nullable = false)
    public Long projectId;

    @Column(nullable = false)
    public String split;

    @Column(nullable = false)
    public int label;

    /** Where the image came from: an archive entry path, or an IDX file name and index. */
    @Column(nullable = false)
    public String source;

    @Column(nullable = false)
    public int width;

    @Column(nullable = false)
    public int height;

    @Column(nullable = false)
    public short channels;

    @Column(name = "shortcut_x")
    public Integer shortcutX;

    @Column(name = "shortcut_y")
    public Integer shortcutY;

    @Column(name = "shortcut_width")
    public Integer shortcutWidth;

    @Column(name = "shortcut_height")
    public Integer shortcutHeight;

    /** Whether this sample is a table row (values, no image). */
    @Formula("(row_values is not null)")
    public boolean tableRow;
}
