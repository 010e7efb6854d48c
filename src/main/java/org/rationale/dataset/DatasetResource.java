package org.rationale.dataset;

import org.rationale.error.Invalid;
import org.rationale.error.NotFound;
import io.quarkus.security.Authenticated;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import org.rationale.security.Access;
import org.rationale.security.Role;
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
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;
import org.rationale.web.RequestText;
import org.rationale.web.UploadLimit;

import java.net.URI;
import java.util.List;

/** Imports datasets into a project: uploaded IDX pairs or ImageFolder zips, or files on the server. */
@Path("/api/projects/{projectId}/datasets")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Datasets")
@Authenticated
public class DatasetResource {

    @Inject
    Access access;

    private final DatasetImporter importer;
    private final DatasetService datasets;
    private final UploadLimit uploadLimit;

    DatasetResource(DatasetImporter importer, DatasetService datasets, UploadLimit uploadLimit) {
        this.importer = importer;
        this.datasets = datasets;
        this.uploadLimit = uploadLimit;
    }

    @GET
    @Operation(summary = "List the datasets of a project")
    public List<DatasetSummary> list(@PathParam("projectId") long projectId) {
        access.requireProject(projectId);
        if (datasets.projectMissing(projectId)) {
            throw NotFound.of("Project " + projectId);
        }
        return datasets.datasetsOf(projectId).stream().map(DatasetSummary::of).toList();
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(summary = "Import an uploaded dataset",
            description = "Either the parts 'images' and 'labels' (IDX files, raw or gzipped) or the part "
                    + "'archive' (a zip of class-named folders of PNG/JPEG images). Form fields: 'name' "
                    + "(default: the file name), 'split' (train, validation or test) and, for IDX, optional "
                    + "'classNames' (comma-separated, by label). All samples are stored, or none. A request "
                    + "larger than rationale.upload.max-size is a 413 naming the limit, and nothing is stored.")
    @RolesAllowed({Role.Name.ADMIN, Role.Name.ENGINEER})
    public Response upload(@PathParam("projectId") long projectId,
                           @RestForm String name,
                           @RestForm String split,
                           @RestForm String classNames,
                           @RestForm("images") FileUpload images,
                           @RestForm("labels") FileUpload labels,
                           @RestForm("archive") FileUpload archive) {
        RequestText.requireFormField("name", name);
        RequestText.requireFormField("split", split);
        RequestText.requireFormField("classNames", classNames);
        for (FileUpload f : new FileUpload[] {images, labels, archive}) {
            if (f != null) {
                // the file name becomes the dataset's default name and its recorded origin
                RequestText.requireFormField(f.name() + " file name", f.fileName());
            }
        }
        access.requireProject(projectId);
        uploadLimit.require(images, labels, archive);
        Dataset d;
        if (archive != null) {
            if (images != null || labels != null) {
                throw new Invalid("Too many parts", "Send either 'archive' or 'images' with 'labels', not both");
            }
            d = importer.importArchive(projectId, name, split, named(archive), classNames,
                    "upload:" + archive.fileName());
        } else if (images != null && labels != null) {
            d = importer.importIdx(projectId, name, split, named(images), named(labels), classNames,
                    "upload:" + images.fileName() + "+" + labels.fileName());
        } else {
            throw new Invalid("Missing dataset files",
                    "Send the multipart parts 'images' and 'labels' (IDX) or 'archive' (zip)"
                            + (images != null ? "; 'labels' is missing" : labels != null ? "; 'images' is missing" : ""));
        }
        return Response.created(URI.create("/api/projects/" + projectId + "/datasets/" + d.id))
                .entity(DatasetSummary.of(d)).build();
    }

    /** Body of a server-side import: either {@code images} with {@code labels}, or {@code archive}. */
    public record PathImport(String name, String split, String images, String labels, String archive,
                             String classNames) {
    }

    @POST
    @Path("/from-path")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Import a dataset from files on the server",
            description = "Paths must lie under rationale.import.allowed-paths.")
    @RolesAllowed({Role.Name.ADMIN, Role.Name.ENGINEER})
    public Response fromPath(@PathParam("projectId") long projectId, PathImport body) {
        access.requireProject(projectId);
        if (body == null) {
            throw new Invalid("Missing body", "Send {name, split, images, labels} or {name, split, archive}");
        }
        Dataset d;
        if (body.archive() != null) {
            if (body.images() != null || body.labels() != null) {
                throw new Invalid("Too many paths", "Give either 'archive' or 'images' with 'labels'");
            }
            var a = importer.serverFile(body.archive(), "archive");
            d = importer.importArchive(projectId, body.name(), body.split(), a, body.classNames(), "path:" + a.path());
        } else if (body.images() != null && body.labels() != null) {
            var i = importer.serverFile(body.images(), "images");
            var l = importer.serverFile(body.labels(), "labels");
            d = importer.importIdx(projectId, body.name(), body.split(), i, l, body.classNames(),
                    "path:" + i.path() + "+" + l.path());
        } else {
            throw new Invalid("Missing dataset paths", "Give 'images' and 'labels' (IDX) or 'archive' (zip)");
        }
        return Response.created(URI.create("/api/projects/" + projectId + "/datasets/" + d.id))
                .entity(DatasetSummary.of(d)).build();
    }

    private static DatasetImporter.NamedFile named(FileUpload f) {
        String n = f.fileName() == null || f.fileName().isBlank() ? f.name() : f.fileName();
        return new DatasetImporter.NamedFile(f.uploadedFile(), n);
    }
}
