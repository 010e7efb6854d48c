package org.rationale.project;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.OrderColumn;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** A review project: the datasets, models and decisions of one classification problem. */
@Entity
@Table(name = "projects")
public class Project extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(nullable = false)
    public String name;

    public String description;

    /** Images or table rows; fixed at creation ({@link Modality#wireName()} in the column). */
    @Column(nullable = false, updatable = false)
    @Convert(converter = ModalityColumn.class)
    public Modality modality = Modality.IMAGES;

    @Column(name = "created_at", nullable = false, insertable = false, updatable = false)
    public OffsetDateTime createdAt;

    /** Class names by label index; every dataset of the project shares this label space. */
    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "project_classes", joinColumns = @JoinColumn(name = "project_id"))
    @OrderColumn(name = "label")
    @Column(name = "name", nullable = false)
    public List<String> classNames = new ArrayList<>();

    /** The name of a class label, or "class N" for a label the project has no name for (a model with more outputs). */
    public String className(int label) {
        return label >= 0 && label < classNames.size() ? classNames.get(label) : "class " + label;
    }
}
