package org.rationale.model;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/** One version of a model of a project: its input spec, how it was made, and the hash of its files. */
@Entity
@Table(name = "model_versions")
public class ModelVersion extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "project_id", nullable = false)
    public Long projectId;

    @Column(nullable = false)
    public String name;

    @Column(nullable = false)
    public int version;

    /** {@code torchscript} for now. */
    @Column(nullable = false)
    public String kind;

    @Column(name = "parent_id")
    public Long parentId;

    /** SHA-256 over the artifacts' own hashes, in part order. */
    public String sha256;

    /** The {@link InputSpec} as JSON. */
    @Column(nullable = false)
    public String spec;

    /** {@code uploaded} or {@code trained}. */
    @Column(nullable = false)
    public String origin;

    /** For trained models: data and parameters, as JSON. */
    public String training;

    /** The training job that made this version; one version per job, so a retried job stores no second one. */
    @Column(name = "training_job_id")
    public Long trainingJobId;

    @Column(name = "supports_cam", nullable = false)
    public boolean supportsCam;

    @Column(name = "created_at", nullable = false, insertable = false, updatable = false)
    public OffsetDateTime createdAt;

    /** How people know this version, "small-cnn v2": its model's name and version number, never its database id. */
    public String label() {
        return label(name, version);
    }

    /** The label of version {@code version} of the model named {@code name}, as {@link #label()} writes it. */
    public static String label(String name, int version) {
        return name + " v" + version;
    }
}
