package org.rationale.report;

import jakarta.enterprise.context.ApplicationScoped;
import org.rationale.audit.AuditChain;
import org.rationale.audit.AuditEvent;
import org.rationale.audit.AuditLog;
import org.rationale.error.Invalid;
import org.rationale.scheduler.RoundService;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Exports a project's audit report, narrowed to a model version, a round or a time range: gathers
 * it ({@link ReportFacts}), draws it ({@link ReportWriter}) and records the export with its hash in
 * the audit trail.
 */
@ApplicationScoped
public class ReportService {

    private final ReportScope scopes;
    private final ReportFacts facts;
    private final ReportWriter writer;
    private final AuditLog audit;

    ReportService(ReportScope scopes, ReportFacts facts, ReportWriter writer, AuditLog audit) {
        this.scopes = scopes;
        this.facts = facts;
        this.writer = writer;
        this.audit = audit;
    }

    /** An exported report: its bytes, their SHA-256 (also in the audit trail) and a file name. */
    public record Export(ReportFormat format, byte[] bytes, String sha256, String filename, long auditSeq) {
    }

    /**
     * Builds, renders and records an export: the report is read in one transaction, drawn outside
     * any (a long PDF must not hold a connection), and its hash appended to the audit trail.
     */
    public Export export(long projectId, String format, Long modelId, Integer round, Instant from, Instant to,
                         String username) {
        ReportFormat f = ReportFormat.parse(format);
        Report report = facts.build(projectId, modelId, round, from, to, username);
        byte[] bytes = writer.write(report, f);
        String sha = AuditChain.sha256(bytes);
        String filename = filename(projectId, modelId, round, from, to, f);
        AuditEvent e = audit.record(username, "report.export", "project:" + projectId, projectId, AuditLog.details(
                "format", f.value(), "sha256", sha, "bytes", bytes.length, "verdicts", report.verdicts().size(),
                "scope", report.scope(), "chainHeadHash", report.audit().headHash(), "filename", filename));
        audit.anchorHead();
        return new Export(f, bytes, sha, filename, e.seq());
    }

    /**
     * Checks a report's scope against the project: 404 for an unknown project or round, 400 for a
     * model of another project, a model the round did not review, or an empty time range. Returns
     * the round, if one was named.
     */
    public Optional<RoundService.Round> checkScope(long projectId, Long modelId, Integer roundNumber, Instant from,
                                                   Instant to) {
        return scopes.check(projectId, modelId, roundNumber, from, to);
    }

    /** The file name of an export: the project and the scope, so that two scopes never share a name. */
    public static String filename(long projectId, Long modelId, Integer round, Instant from, Instant to, ReportFormat f) {
        return "rationale-report-project-" + projectId + (modelId == null ? "" : "-model-" + modelId)
                + (round == null ? "" : "-round-" + round)
                + (from == null ? "" : "-from-" + AuditChain.time(from).substring(0, 10))
                + (to == null ? "" : "-to-" + AuditChain.time(to).substring(0, 10)) + "." + f.value();
    }

    /** Parses an ISO-8601 instant or date (a date means its start, UTC); 400 when it is neither. */
    public static Instant parseTime(String name, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String t = text.strip();
        try {
            return t.length() == 10 ? LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant()
                    : OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException e) {
            throw new Invalid("Invalid " + name + " '" + text + "'",
                    "Use an ISO-8601 date (2026-11-30) or time with offset (2026-11-30T08:00:00Z)");
        }
    }
}
