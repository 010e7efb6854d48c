package org.rationale.report;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.rationale.security.Access;
import org.rationale.security.Role;

/**
 * Audit reports of a project, in four formats. Making one is a POST, since every export is recorded
 * in the audit trail with its hash; a GET writes nothing and is answered 405.
 */
@Path("/api/projects/{projectId}/report")
@Tag(name = "Audit")
@RolesAllowed({Role.Name.ADMIN, Role.Name.AUDITOR, Role.Name.ENGINEER})
public class ReportResource {

    private final ReportService reports;
    private final Access access;

    ReportResource(ReportService reports, Access access) {
        this.reports = reports;
        this.access = access;
    }

    @POST
    @Operation(summary = "Export the audit report: format pdf, html, json (schema at /schemas/report.schema.json) or "
            + "csv (one row per verdict); narrowed by modelId, round (number) and from/to (ISO-8601 date or time). "
            + "Recorded in the audit trail (report.export) with the file's SHA-256, also sent as X-Report-Sha256. "
            + "Admins, auditors and engineers who see the project.")
    @APIResponse(responseCode = "200", description = "the report")
    @APIResponse(responseCode = "400", description = "an unknown format or a narrowing that is not valid")
    @APIResponse(responseCode = "403", description = "the caller does not see the project or has no right to export")
    @APIResponse(responseCode = "404", description = "unknown project, model or round")
    public Response report(@PathParam("projectId") long projectId, @QueryParam("format") String format,
                           @QueryParam("modelId") Long modelId, @QueryParam("round") Integer round,
                           @QueryParam("from") String from, @QueryParam("to") String to) {
        access.requireProject(projectId);
        ReportService.Export e = reports.export(projectId, format, modelId, round, ReportService.parseTime("from", from),
                ReportService.parseTime("to", to), access.caller().username());
        return Response.ok(e.bytes(), e.format().mediaType())
                .header("Content-Disposition", "attachment; filename=\"" + e.filename() + "\"")
                .header("X-Report-Sha256", e.sha256())
                .build();
    }

    @GET
    @Operation(summary = "Not an export: answers 405. Exporting a report records it in the audit trail, so it is a "
            + "POST to this path with the same query parameters")
    @APIResponse(responseCode = "405", description = "always; use POST")
    public Response get(@PathParam("projectId") long projectId) {
        throw new NotAllowedException("Exporting a report records it in the audit trail, so it is a POST: send POST "
                + "/api/projects/" + projectId + "/report with the same query parameters (format, modelId, round, "
                + "from, to)", "POST", new String[0]);
    }
}
