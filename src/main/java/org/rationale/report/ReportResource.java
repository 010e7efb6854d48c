package org.rationale.report;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.rationale.security.Access;
import org.rationale.security.Role;

/** Audit reports of a project, in four formats; every download is recorded in the audit trail with its hash. */
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

    @GET
    @Operation(summary = "The audit report: format pdf, html, json (schema at /schemas/report.schema.json) or csv "
            + "(one row per verdict); narrowed by modelId, round (number) and from/to (ISO-8601 date or time)")
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
}
