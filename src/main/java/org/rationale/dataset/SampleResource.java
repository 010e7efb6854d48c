package org.rationale.dataset;

import org.rationale.error.NotFound;
import io.quarkus.security.Authenticated;
import jakarta.inject.Inject;
import org.rationale.security.Access;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.rationale.project.Project;
import org.rationale.project.ProjectService;

import java.util.List;

/** One sample and its image, or one table row and its values. */
@Path("/api/samples")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Samples")
@Authenticated
public class SampleResource {

    @Inject
    Access access;

    private final DatasetService datasets;
    private final ProjectService projects;

    SampleResource(DatasetService datasets, ProjectService projects) {
        this.datasets = datasets;
        this.projects = projects;
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One sample, with where it came from and its known shortcut region",
            description = "A table row has no imageUrl; it answers 'values' (each feature column's value in the "
                    + "dataset's column order: numbers, booleans, categories as strings) and 'columns' (name, type "
                    + "numeric, categorical or boolean, categories).")
    public SampleSummary get(@PathParam("id") long id) {
        access.requireSample(id);
        Sample s = datasets.sample(id).orElseThrow(() -> NotFound.of("Sample " + id));
        Project p = projects.find(s.projectId).orElseThrow();
        if (s.tableRow) {
            return SampleSummary.of(s, className(p, s.label), datasets.tableRows(List.of(s)).get(s.id),
                    datasets.datasetColumns(s.datasetId));
        }
        return SampleSummary.of(s, className(p, s.label));
    }

    @GET
    @Path("/{id}/image.png")
    @Produces("image/png")
    @Operation(summary = "The sample's image as PNG, pixel for pixel as imported",
            description = "A table row has no image: 422.")
    public Response image(@PathParam("id") long id) {
        access.requireSample(id);
        byte[] png = datasets.image(id);
        CacheControl cc = new CacheControl();
        cc.setMaxAge(86400);
        cc.setPrivate(true);
        return Response.ok(png, "image/png").cacheControl(cc).build();
    }

    @GET
    @Path("/{id}/thumbnail.png")
    @Produces("image/png")
    @Operation(summary = "The sample's image scaled down to fit a square of 'size' pixels (16 to 512, default 160)",
            description = "Images that fit already are answered as stored; larger ones are scaled smoothly, "
                    + "keeping their aspect ratio. A table row has no image: 422.")
    public Response thumbnail(@PathParam("id") long id, @QueryParam("size") @DefaultValue("160") int size) {
        access.requireSample(id);
        byte[] png = datasets.thumbnailPng(id, size).orElseThrow(() -> NotFound.of("Sample " + id));
        CacheControl cc = new CacheControl();
        cc.setMaxAge(86400);
        cc.setPrivate(true);
        return Response.ok(png, "image/png").cacheControl(cc).build();
    }

    static String className(Project p, int label) {
        return label < p.classNames.size() ? p.classNames.get(label) : Integer.toString(label);
    }
}
