package org.rationale.dataset;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/** One imported batch of samples of a project, all in one split. */
@Entity
@Table(name = "datasets")
public class Dataset extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "project_id", nullable = false)
    public Long projectId;

    @Column(nullable = false)
    public String name;

    /** {@code train}, {@code validation} or {@code test}. */
    @Column(nullable = false)
    public String split;

    /** {@code idx}, {@code image-folder} or {@code decoy-idx}. */
    @Column(nullable = false)
    public String format;

    @Column(name = "sample_count", nullable = false)
    public int sampleCount;

    /** Common width, height and channels when all samples share them, else null. */
    public Integer width;
    public Integer height;
    public Short channels;

    /** Where the data came from: the uploaded file names or the server-side path. */
    @Column(nullable = false)
    public String origin;

    @Column(name = "created_at", nullable = false, insertable = false, updatable = false)
    public OffsetDateTime createdAt;
}
