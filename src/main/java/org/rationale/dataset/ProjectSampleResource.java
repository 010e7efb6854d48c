package org.rationale.dataset;

import org.rationale.error.Invalid;
import org.rationale.error.NotFound;
import io.quarkus.security.Authenticated;
import jakarta.inject.Inject;
import org.rationale.security.Access;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.rationale.project.Project;
import org.rationale.project.ProjectService;

import java.util.List;
import java.util.Map;

/** Browsing the samples of a project: pages filtered by split and label. */
@Path("/api/projects/{projectId}/samples")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Samples")
@Authenticated
public class ProjectSampleResource {

    @Inject
    Access access;

    static final int MAX_LIMIT = 1000;

    private final DatasetService datasets;
    private final ProjectService projects;

    ProjectSampleResource(DatasetService datasets, ProjectService projects) {
        this.datasets = datasets;
        this.projects = projects;
    }

    /** One page of samples. */
    public record Page(long total, int offset, int limit, List<SampleSummary> items) {
    }

    @GET
    @Operation(summary = "List the samples of a project, filtered by split and label",
            description = "label filters by a class index or a class name. A table row has no imageUrl but its "
                    + "'values', as GET /api/samples/{id} answers them (its columns are there).")
    public Page list(@PathParam("projectId") long projectId, @QueryParam("split") String split,
                     @QueryParam("label") String label, @QueryParam("offset") String offset,
                     @QueryParam("limit") String limit) {
        access.requireProject(projectId);
        Project p = projects.find(projectId).orElseThrow(() -> NotFound.of("Project " + projectId));
        Split s = split == null || split.isBlank() ? null : Split.parse(split);
        Integer l = label == null || label.isBlank() ? null : label(p, label);
        int off = offset == null || offset.isBlank() ? 0 : parseInt("offset", offset, 0, Integer.MAX_VALUE);
        int lim = limit == null || limit.isBlank() ? 50 : parseInt("limit", limit, 1, MAX_LIMIT);
        var page = datasets.samples(projectId, s, l, off, lim);
        Map<Long, Map<String, Object>> rows = datasets.tableRows(page.items());
        return new Page(page.total(), off, lim, page.items().stream()
                .map(x -> SampleSummary.of(x, SampleResource.className(p, x.label), rows.get(x.id), null)).toList());
    }

    /** A label filter: a class index, or a class name of the project (a table's label column holds names). */
    private static int label(Project p, String text) {
        String t = text.strip();
        if (!t.isEmpty() && t.chars().allMatch(Character::isDigit) || t.startsWith("-")) {
            return parseInt("label", t, 0, Integer.MAX_VALUE);
        }
        int i = p.classNames.indexOf(t);
        if (i < 0) {
            String shown = t.length() > 40 ? t.substring(0, 40) + "…" : t;
            throw new Invalid("Invalid label '" + shown + "'", "label is a class index or a class name of project '"
                    + p.name + "': " + String.join(", ", p.classNames.stream().limit(20).toList())
                    + (p.classNames.size() > 20 ? ", …" : ""));
        }
        return i;
    }

    private static int parseInt(String name, String text, int min, int max) {
        int v;
        try {
            v = Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new Invalid("Invalid " + name + " '" + text + "'", name + " must be a whole number");
        }
        if (v < min || v > max) {
            throw new Invalid("Invalid " + name + " " + v,
                    name + " must be between " + min + " and " + max);
        }
        return v;
    }
}
