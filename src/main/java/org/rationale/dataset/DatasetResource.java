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

/** Imports datasets into a project: uploaded IDX pairs, ImageFolder zips or CSV tables, or files on the server. */
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
            description = "Images projects: either the parts 'images' and 'labels' (IDX files, raw or gzipped) "
                    + "or the part 'archive' (a zip of class-named folders of PNG/JPEG images); for IDX, optional "
                    + "'classNames' (comma-separated, by label). Tabular projects: the part 'table', a CSV file "
                    + "(RFC 4180, UTF-8, a header row naming the columns), with the form fields 'label' (the name "
                    + "of the column holding each row's class; its values become the project's classes) and, "
                    + "optionally, 'id' (a column of unique values naming each row, kept as the sample's source "
                    + "'id <value>'; without it the source is 'row <n>', the row's number with the header as row 1). "
                    + "Every other column is a feature: numeric when every cell is a number, boolean when every cell "
                    + "is true or false, else categorical (at most 200 categories). Empty cells and NA, N/A, ?, null, "
                    + "NaN are refused as missing values, naming row and column; so are rows of the wrong length, "
                    + "duplicate ids, cells over 1,000 characters and files over 2,000 columns. A second table of a "
                    + "project must have the same feature columns with the same types. Rows found again in another "
                    + "split (the same id, or the same value in every feature), and images identical to one of another "
                    + "split, are stored and named in the answer's 'warnings'. Both: form fields 'name' "
                    + "(default: the file name) and 'split' (train, validation or test). All samples are stored, "
                    + "or none. A request larger than rationale.upload.max-size is a 413 naming the limit, and nothing "
                    + "is stored.")
    @RolesAllowed({Role.Name.ADMIN, Role.Name.ENGINEER})
    public Response upload(@PathParam("projectId") long projectId,
                           @RestForm String name,
                           @RestForm String split,
                           @RestForm String classNames,
                           @RestForm String label,
                           @RestForm String id,
                           @RestForm("images") FileUpload images,
                           @RestForm("labels") FileUpload labels,
                           @RestForm("archive") FileUpload archive,
                           @RestForm("table") FileUpload table) {
        RequestText.requireFormField("name", name);
        RequestText.requireFormField("split", split);
        RequestText.requireFormField("classNames", classNames);
        RequestText.requireFormField("label", label);
        RequestText.requireFormField("id", id);
        for (FileUpload f : new FileUpload[] {images, labels, archive, table}) {
            if (f != null) {
                // the file name becomes the dataset's default name and its recorded origin
                RequestText.requireFormField(f.name() + " file name", f.fileName());
            }
        }
        access.requireProject(projectId);
        uploadLimit.require(images, labels, archive, table);
        Dataset d;
        if (table != null) {
            if (images != null || labels != null || archive != null) {
                throw new Invalid("Too many parts", "Send either 'table' (a CSV file) or images, not both");
            }
            requireNoClassNames(classNames);
            d = importer.importTable(projectId, name, split, named(table), label, id, "upload:" + table.fileName());
        } else {
            requireNoColumns(label, id);
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
                        "Send the multipart parts 'images' and 'labels' (IDX), 'archive' (zip) or 'table' (CSV)"
                                + (images != null ? "; 'labels' is missing" : labels != null ? "; 'images' is missing" : ""));
            }
        }
        return Response.created(URI.create("/api/projects/" + projectId + "/datasets/" + d.id))
                .entity(DatasetSummary.of(d)).build();
    }

    /**
     * Body of a server-side import: {@code images} with {@code labels}, {@code archive}, or {@code table}
     * with {@code label} and optionally {@code id} (the column names, as for an upload).
     */
    public record PathImport(String name, String split, String images, String labels, String archive,
                             String classNames, String table, String label, String id) {
    }

    @POST
    @Path("/from-path")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Import a dataset from files on the server",
            description = "Paths must lie under rationale.import.allowed-paths. Images projects: {name, split, "
                    + "images, labels[, classNames]} (IDX) or {name, split, archive} (zip of class folders). Tabular "
                    + "projects: {name, split, table, label[, id]} (a CSV file, read as an upload's 'table').")
    @RolesAllowed({Role.Name.ADMIN, Role.Name.ENGINEER})
    public Response fromPath(@PathParam("projectId") long projectId, PathImport body) {
        access.requireProject(projectId);
        if (body == null) {
            throw new Invalid("Missing body", "Send {name, split, images, labels}, {name, split, archive} or "
                    + "{name, split, table, label}");
        }
        Dataset d;
        if (body.table() != null) {
            if (body.images() != null || body.labels() != null || body.archive() != null) {
                throw new Invalid("Too many paths", "Give either 'table' (a CSV file) or images, not both");
            }
            requireNoClassNames(body.classNames());
            var t = importer.serverFile(body.table(), "table");
            d = importer.importTable(projectId, body.name(), body.split(), t, body.label(), body.id(), "path:" + t.path());
        } else if (body.archive() != null) {
            requireNoColumns(body.label(), body.id());
            if (body.images() != null || body.labels() != null) {
                throw new Invalid("Too many paths", "Give either 'archive' or 'images' with 'labels'");
            }
            var a = importer.serverFile(body.archive(), "archive");
            d = importer.importArchive(projectId, body.name(), body.split(), a, body.classNames(), "path:" + a.path());
        } else if (body.images() != null && body.labels() != null) {
            requireNoColumns(body.label(), body.id());
            var i = importer.serverFile(body.images(), "images");
            var l = importer.serverFile(body.labels(), "labels");
            d = importer.importIdx(projectId, body.name(), body.split(), i, l, body.classNames(),
                    "path:" + i.path() + "+" + l.path());
        } else {
            throw new Invalid("Missing dataset paths",
                    "Give 'images' and 'labels' (IDX), 'archive' (zip) or 'table' (CSV, with 'label')");
        }
        return Response.created(URI.create("/api/projects/" + projectId + "/datasets/" + d.id))
                .entity(DatasetSummary.of(d)).build();
    }

    private static void requireNoClassNames(String classNames) {
        if (classNames != null && !classNames.isBlank()) {
            throw new Invalid("Class names come from the label column",
                    "Leave 'classNames' out for a table: its classes are the values of the 'label' column");
        }
    }

    private static void requireNoColumns(String label, String id) {
        if ((label != null && !label.isBlank()) || (id != null && !id.isBlank())) {
            throw new Invalid("'label' and 'id' name columns of a table",
                    "Leave them out for images, or send the table (a CSV file) as the part 'table'");
        }
    }

    private static DatasetImporter.NamedFile named(FileUpload f) {
        String n = f.fileName() == null || f.fileName().isBlank() ? f.name() : f.fileName();
        return new DatasetImporter.NamedFile(f.uploadedFile(), n);
    }
}
