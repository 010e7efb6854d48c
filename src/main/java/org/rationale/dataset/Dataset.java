package org.rationale.dataset;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

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

    /**
     * {@code idx}, {@code image-folder}, {@code decoy-idx}, {@code mixed-shortcuts-idx} or {@code csv} (a
     * table, whose feature columns are in the unmapped column {@code columns}).
     */
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

    /**
     * What the import that made this dataset warns of (rows found again in another split), for its answer;
     * not stored: the audit trail keeps it.
     */
    @Transient
    public List<String> importWarnings = List.of();

    /**
     * A dataset's origin as reports and pages show it: the name of the file(s) it came from, without how
     * it came ({@code upload:}, {@code path:}, {@code demo:}) or the server's folders, e.g.
     * {@code path:/srv/data/x.zip} → {@code x.zip}, {@code upload:i.gz+l.gz} → {@code i.gz + l.gz}.
     */
    public static String fileNames(String origin) {
        if (origin == null || origin.isBlank()) {
            return origin;
        }
        String files = origin.matches("[a-z]+:.*") && !origin.matches("[a-z]:[\\\\/].*")
                ? origin.substring(origin.indexOf(':') + 1) : origin;
        List<String> names = new ArrayList<>();
        for (String file : files.split("\\+")) {
            String f = file.strip();
            names.add(f.substring(Math.max(f.lastIndexOf('/'), f.lastIndexOf('\\')) + 1));
        }
        return String.join(" + ", names);
    }
}
