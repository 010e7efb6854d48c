package org.rationale.dataset;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * One labelled image. Its pixels live in the same row as PNG but are not mapped here: the
 * {@link SampleStore} reads them apart, so listing samples never loads images.
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
}
