package org.rationale.report;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.enterprise.context.ApplicationScoped;
import org.rationale.audit.AuditChain;
import org.rationale.audit.AuditEvent;
import org.rationale.audit.AuditLog;
import org.rationale.dataset.Dataset;
import org.rationale.dataset.DatasetService;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the report reads from the audit trail: the training data with the content hashes of their
 * imports, the verdicts changed or undone, and the state of the chain.
 */
@ApplicationScoped
public class TrailFacts {

    private final AuditLog audit;
    private final DatasetService datasets;

    TrailFacts(AuditLog audit, DatasetService datasets) {
        this.audit = audit;
        this.datasets = datasets;
    }

    /** The project's datasets, the overrides in scope, and how many events the project has. */
    public record Section(List<Report.DatasetInfo> datasets, List<Report.VerdictOverride> overrides, long projectEvents) {
    }

    /** Reads the project's events once: dataset imports, and verdicts changed or undone in the scope's window. */
    public Section of(ReportScope.Resolved scope) {
        long projectId = scope.project().id;
        Long verdictModel = scope.verdictModel();
        Instant from = scope.verdictsFrom();
        Instant to = scope.verdictsTo();
        Map<Long, JsonNode> imports = new HashMap<>();
        List<Report.VerdictOverride> overrides = new ArrayList<>();
        long[] projectEvents = {0};
        audit.forEach(projectId, null, null, 0, Integer.MAX_VALUE, e -> {
            projectEvents[0]++;
            if (e.action().equals("dataset.import")) {
                imports.put(Long.parseLong(e.subject().substring("dataset:".length())), ModelFacts.tree(e.payload()));
            } else if ((e.action().equals("review.verdict") || e.action().equals("review.undo"))
                    && (from == null || !e.at().isBefore(from)) && (to == null || e.at().isBefore(to))) {
                JsonNode p = ModelFacts.tree(e.payload());
                if (verdictModel != null && p.path("modelId").asLong() != verdictModel) {
                    return;
                }
                boolean undo = e.action().equals("review.undo");
                if (undo || !p.path("previousVerdict").isNull() && !p.path("previousVerdict").isMissingNode()) {
                    overrides.add(new Report.VerdictOverride(e.seq(), e.at(), e.actor(), undo ? "undone" : "changed",
                            p.path("sampleId").asLong(), p.path("saliencyMapId").asLong(),
                            undo ? p.path("verdict").asText() : p.path("previousVerdict").asText(),
                            undo ? null : p.path("verdict").asText()));
                }
            }
        });
        List<Report.DatasetInfo> datasetInfos = new ArrayList<>();
        for (Dataset d : datasets.datasetsOf(projectId)) {
            JsonNode imp = imports.get(d.id);
            datasetInfos.add(new Report.DatasetInfo(d.id, d.name, d.split, d.format, d.sampleCount, Dataset.fileNames(d.origin),
                    d.createdAt == null ? null : d.createdAt.toInstant(),
                    imp == null ? null : imp.path("contentSha256").asText(null)));
        }
        return new Section(datasetInfos, overrides, projectEvents[0]);
    }

    /** The whole chain as verified now, with the count of the project's events. */
    public Report.AuditStatus status(long projectEvents) {
        AuditChain.Verification chain = audit.verify();
        Long headSeq = audit.head().map(AuditEvent::seq).orElse(null);
        return new Report.AuditStatus(chain.valid(), chain.events(), chain.firstBrokenSeq(),
                audit.head().map(AuditEvent::hash).orElse(AuditChain.GENESIS), headSeq, projectEvents);
    }
}
