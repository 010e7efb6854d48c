package org.rationale.project;

import org.rationale.error.Invalid;
import org.rationale.error.NotFound;
import org.rationale.error.Conflict;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.rationale.audit.AuditLog;
import org.rationale.security.Caller;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Owns projects: creation with unique names, lookup, and their class (label) names. */
@ApplicationScoped
public class ProjectService {

    private final ProjectStore store;
    private final AuditLog audit;

    ProjectService(ProjectStore store, AuditLog audit) {
        this.store = store;
        this.audit = audit;
    }

    @Transactional
    public Project create(String name, String description) {
        return create(name, description, null);
    }

    /** Creates a project whose first member is the named user (none when null), in one transaction. */
    @Transactional
    public Project create(String name, String description, String memberUsername) {
        return create(name, description, memberUsername, Modality.IMAGES);
    }

    /** The map a new tabular project's queue ranks by (its review view draws integrated gradients from the training mean). */
    public static final String TABULAR_QUEUE_METHOD = "gradient-x-input";

    /** Creates a project of the given modality whose first member is the named user (none when null). */
    @Transactional
    public Project create(String name, String description, String memberUsername, Modality modality) {
        String trimmed = name == null ? "" : name.strip();
        if (trimmed.isEmpty()) {
            throw new Invalid("Project name is required", "Give the project a non-blank name");
        }
        if (trimmed.length() > 200) {
            throw new Invalid("Project name is too long", "At most 200 characters, got " + trimmed.length());
        }
        if (store.nameTaken(trimmed)) {
            throw new Conflict("Project name already taken", "A project named '" + trimmed + "' exists");
        }
        Project p = new Project();
        p.name = trimmed;
        p.description = description == null || description.isBlank() ? null : description.strip();
        p.modality = modality == null ? Modality.IMAGES : modality;
        store.insert(p);
        if (p.modality == Modality.TABULAR) {
            // a row's map sums a categorical feature over its one-hot inputs: their plain gradients
            // cancel there (one rises as the other falls), gradient × input adds up
            ProjectStore.ReviewSettings r = store.reviewSettings(p.id).orElseThrow();
            store.setQueue(p.id, r.queueStrategy(), r.queueWeights(), TABULAR_QUEUE_METHOD, r.queuePool());
        }
        audit.record("project.create", "project:" + p.id, p.id, AuditLog.details(
                "name", p.name, "description", p.description, "modality", p.modality.wireName()));
        if (memberUsername != null) {
            for (ProjectStore.Member a : store.addMember(p.id, memberUsername)) {
                audit.record("membership.add", "user:" + a.userId(), p.id, AuditLog.details(
                        "username", memberUsername, "role", a.role()));
            }
        }
        return p;
    }

    public Optional<Project> find(long id) {
        return store.find(id);
    }

    public Optional<Project> findByName(String name) {
        return store.findByName(name);
    }

    public List<Project> list() {
        return store.list();
    }

    /** The projects a user sees: every project for an admin, else the ones they are a member of. */
    public List<Project> visibleTo(Caller caller) {
        return caller.isAdmin() ? list() : store.memberOf(caller.username());
    }

    /** The projects with these ids, by id. */
    public List<Project> list(Collection<Long> ids) {
        return store.list(ids);
    }

    /** The project, locked for the rest of the transaction (imports into one project run one at a time). */
    @Transactional(Transactional.TxType.MANDATORY)
    public Project lock(long id) {
        Project p = store.lock(id);
        if (p == null) {
            throw NotFound.of("Project " + id);
        }
        return p;
    }

    /**
     * Maps class names to the project's labels, adding the names it does not know yet at the end.
     * Must run in the importing transaction, after {@link #lock}.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public int[] labelsForNames(Project project, List<String> names) {
        int[] labels = new int[names.size()];
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            int at = project.classNames.indexOf(n);
            if (at < 0) {
                project.classNames.add(n);
                at = project.classNames.size() - 1;
            }
            labels[i] = at;
        }
        return labels;
    }

    /**
     * Makes sure every numeric label up to {@code maxLabel} has a name: given names fill gaps and must
     * agree with names the project already has.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void ensureNumericLabels(Project project, int maxLabel, List<String> givenNames) {
        Map<Integer, String> wanted = new LinkedHashMap<>();
        for (int label = 0; label <= Math.max(maxLabel, givenNames.size() - 1); label++) {
            String given = label < givenNames.size() ? givenNames.get(label).strip() : null;
            if (label < project.classNames.size()) {
                String existing = project.classNames.get(label);
                if (given != null && !given.isEmpty() && !given.equals(existing)) {
                    throw new Conflict("Class names disagree with the project",
                            "Label " + label + " is '" + existing + "' in project '" + project.name
                                    + "' but the import names it '" + given + "'");
                }
            } else {
                wanted.put(label, given == null || given.isEmpty() ? Integer.toString(label) : given);
            }
        }
        for (String name : wanted.values()) {
            if (project.classNames.contains(name)) {
                throw new Conflict("Duplicate class name", "Class name '" + name + "' is used twice");
            }
            project.classNames.add(name);
        }
    }
}
