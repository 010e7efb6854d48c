package org.rationale.project;

import org.rationale.error.Invalid;
import org.rationale.error.NotFound;
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
import org.rationale.dataset.DatasetService;
import org.rationale.dataset.DatasetView;
import io.quarkus.security.Authenticated;
import jakarta.annotation.security.RolesAllowed;
import org.rationale.security.Access;
import org.rationale.security.Role;

import java.net.URI;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/** Projects: list with sample counts, create, and one project with its datasets. */
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
    public record NewProject(String name, String description) {
    }

    /** A project with its class names, datasets and sample counts by split. */
    public record ProjectView(long id, String name, String description, OffsetDateTime createdAt,
                              List<String> classNames, long sampleCount, Map<String, Long> samplesBySplit,
                              List<DatasetView> datasets) {
    }

    @GET
    @Operation(summary = "List the projects the caller sees (admins: all) with their datasets and sample counts")
    public List<ProjectView> list() {
        return projects.visibleTo(access.caller()).stream().map(this::view).toList();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a project (admin, engineer); its creator becomes a member")
    @RolesAllowed({Role.ADMIN, Role.ENGINEER})
    public Response create(NewProject body) {
        if (body == null) {
            throw new Invalid("Missing body", "Send {\"name\": \"...\", \"description\": \"...\"}");
        }
        Project p = projects.create(body.name(), body.description(), access.caller().username());
        return Response.created(URI.create("/api/projects/" + p.id)).entity(view(p)).build();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One project with its datasets and sample counts")
    public ProjectView get(@PathParam("id") long id) {
        access.requireProject(id);
        return projects.find(id).map(this::view).orElseThrow(() -> NotFound.of("Project " + id));
    }

    private ProjectView view(Project p) {
        Map<String, Long> bySplit = datasets.countsBySplit(p.id);
        long total = bySplit.values().stream().mapToLong(Long::longValue).sum();
        return new ProjectView(p.id, p.name, p.description, p.createdAt, List.copyOf(p.classNames), total, bySplit,
                datasets.datasetsOf(p.id).stream().map(DatasetView::of).toList());
    }
}
