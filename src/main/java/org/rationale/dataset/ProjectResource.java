package org.rationale.dataset;

import io.quarkus.security.Authenticated;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.rationale.error.Invalid;
import org.rationale.error.NotFound;
import org.rationale.project.Modality;
import org.rationale.project.Project;
import org.rationale.project.ProjectService;
import org.rationale.security.Access;
import org.rationale.security.Role;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * Projects: list with sample counts, create, and one project with its datasets. It lives with the
 * datasets because every answer shows them: the project package knows nothing of datasets.
 */
@Path("/api/projects")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Projects")
@Authenticated
public class ProjectResource {

    private final ProjectService projects;
    private final DatasetService datasets;
    private final Access access;

    ProjectResource(ProjectService projects, DatasetService datasets, Access access) {
        this.projects = projects;
        this.datasets = datasets;
        this.access = access;
    }

    /** What a client sends to create a project. */
    public record NewProject(String name, String description, String modality) {
    }

    @GET
    @Operation(summary = "List the projects the caller sees (admins: all) with their datasets and sample counts")
    public List<ProjectSummary> list() {
        return projects.visibleTo(access.caller()).stream().map(this::summary).toList();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a project (admin, engineer); its creator becomes a member")
    @RolesAllowed({Role.Name.ADMIN, Role.Name.ENGINEER})
    public Response create(NewProject body) {
        if (body == null) {
            throw new Invalid("Missing body",
                    "Send {\"name\": \"...\", \"description\": \"...\", \"modality\": \"images\" or \"tabular\"}");
        }
        Project p = projects.create(body.name(), body.description(), access.caller().username(),
                Modality.parse(body.modality()));
        return Response.created(URI.create("/api/projects/" + p.id)).entity(summary(p)).build();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One project with its datasets and sample counts")
    public ProjectSummary get(@PathParam("id") long id) {
        access.requireProject(id);
        return projects.find(id).map(this::summary).orElseThrow(() -> NotFound.of("Project " + id));
    }

    private ProjectSummary summary(Project p) {
        Map<String, Long> bySplit = datasets.countsBySplit(p.id);
        long total = bySplit.values().stream().mapToLong(Long::longValue).sum();
        return new ProjectSummary(p.id, p.name, p.description, p.modality.wireName(), p.createdAt,
                List.copyOf(p.classNames), total, bySplit,
                datasets.datasetsOf(p.id).stream().map(DatasetSummary::of).toList());
    }
}
