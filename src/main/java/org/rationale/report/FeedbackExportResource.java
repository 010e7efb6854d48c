package org.rationale.report;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.rationale.security.Access;
import org.rationale.security.Role;

import java.io.InputStream;

/**
 * A project's feedback as a zip for a team's own pipeline (verdicts JSONL, PNG masks, COCO RLE,
 * Label Studio tasks; on table rows the rows' values and feature sets instead), narrowed like the audit report. A POST, since every export is recorded in
 * the audit trail with its SHA-256.
 */
@Path("/api/projects/{projectId}/feedback-export")
@Tag(name = "Audit")
@RolesAllowed({Role.Name.ADMIN, Role.Name.AUDITOR, Role.Name.ENGINEER})
public class FeedbackExportResource {

    private final FeedbackExport exports;
    private final Access access;

    FeedbackExportResource(FeedbackExport exports, Access access) {
        this.exports = exports;
        this.access = access;
    }

    @POST
    @Produces("application/zip")
    @Operation(summary = "Export the feedback as a zip: verdicts.jsonl (one verdict a line: sample and source, split, "
            + "label, model version and SHA-256, method and parameters, target, verdict, comment, reviewer, time), "
            + "masks/*.png (image resolution, 8-bit, 255 = painted), coco/annotations.json (COCO RLE, categories "
            + "relevant and shortcut), label-studio/tasks.json with labeling-config.xml (brushlabels RLE), the images, "
            + "README.txt and manifest.json with every file's SHA-256. On a tabular project: verdicts.jsonl with each row's "
            + "values (row) and marked features by kind (featureSets), rows.csv (id, the columns, label), "
            + "feature-sets.jsonl, README.txt and manifest.json; no images, PNG, COCO or Label Studio files. Narrowed like the report by modelId, round "
            + "(number) and from/to (ISO-8601 date or time). Recorded in the audit trail (feedback.export) with the "
            + "zip's SHA-256, also sent as X-Export-Sha256. Admins, auditors and engineers who see the project.")
    @APIResponse(responseCode = "200", description = "the zip")
    @APIResponse(responseCode = "400", description = "a narrowing that is not valid or does not fit the project")
    @APIResponse(responseCode = "403", description = "the caller does not see the project or has no right to export")
    @APIResponse(responseCode = "404", description = "unknown project or round")
    public Response export(@PathParam("projectId") long projectId, @QueryParam("modelId") Long modelId,
                           @QueryParam("round") Integer round, @QueryParam("from") String from,
                           @QueryParam("to") String to) {
        access.requireProject(projectId);
        FeedbackExport.Export e = exports.export(projectId, modelId, round, ReportService.parseTime("from", from),
                ReportService.parseTime("to", to), access.caller().username());
        StreamingOutput body = out -> {
            try (InputStream in = e.open()) {
                in.transferTo(out);
            }
        };
        return Response.ok(body, "application/zip")
                .header("Content-Disposition", "attachment; filename=\"" + e.filename() + "\"")
                .header("Content-Length", e.bytes())
                .header("X-Export-Sha256", e.sha256())
                .build();
    }
}
