package org.rationale.saliency;

import jakarta.enterprise.context.ApplicationScoped;
import org.rationale.error.NotFound;
import org.rationale.model.ModelVersion;
import org.rationale.project.Modality;
import org.rationale.project.ProjectService;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether a model version takes table rows or images, as methods bind their parameters and refuse a
 * model by it ({@link AttributionMethod#bind(Map, int, int, boolean)}, {@link AttributionMethod#refusal}):
 * its project's modality, fixed when the project was created (so remembered per project).
 */
@ApplicationScoped
public class ModelModality {

    private final ProjectService projects;
    private final Map<Long, Boolean> tabularProjects = new ConcurrentHashMap<>();

    ModelModality(ProjectService projects) {
        this.projects = projects;
    }

    /** True when the version's project holds table rows. */
    public boolean tabular(ModelVersion v) {
        Boolean known = tabularProjects.get(v.projectId);
        if (known == null) {
            // looked up outside the map's lock: a database read must not block other projects' answers
            known = projects.find(v.projectId).orElseThrow(() -> NotFound.of("Project " + v.projectId)).modality
                    == Modality.TABULAR;
            tabularProjects.put(v.projectId, known);
        }
        return known;
    }
}
