package org.rationale.report;

import org.rationale.config.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import org.rationale.model.ModelVersion;
import org.rationale.saliency.SaliencyService;
import org.rationale.saliency.SanityCheck;
import org.rationale.saliency.SanityService;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The report's models (identity, lineage, training, sanity checks) and the quality of their methods' maps. */
@ApplicationScoped
public class ModelFacts {

    /** Reads the JSON the services store (training parameters, input specs, audit payloads). */
    static final ObjectMapper JSON = Json.MAPPER;

    private final SanityService sanity;
    private final SaliencyService saliency;

    ModelFacts(SanityService sanity, SaliencyService saliency) {
        this.sanity = sanity;
        this.saliency = saliency;
    }

    /** The models of a scope and the methods computed on them. */
    public record Section(List<Report.Model> models, List<Report.Method> methods) {
    }

    /** The models in scope, oldest lineage first, and the quality of every method's maps on them. */
    public Section of(ReportScope.Resolved scope) {
        Map<Long, ModelVersion> byId = scope.models();
        List<Report.Model> modelInfos = new ArrayList<>();
        Map<String, List<SanityCheck.Result>> sanityByModelMethod = new HashMap<>();
        for (long id : scope.scopedModels()) {
            ModelVersion v = byId.get(id);
            List<Long> lineage = new ArrayList<>();
            for (ModelVersion m = v; m != null; m = m.parentId == null ? null : byId.get(m.parentId)) {
                lineage.add(0, m.id);
                if (lineage.size() > byId.size()) {
                    break;
                }
            }
            List<SanityCheck.Result> checks = sanity.stored(v.id);
            for (SanityCheck.Result r : checks) {
                sanityByModelMethod.computeIfAbsent(v.id + "/" + r.method(), k -> new ArrayList<>()).add(r);
            }
            modelInfos.add(new Report.Model(v.id, v.name, v.version, v.kind, v.origin, v.sha256, v.parentId, lineage,
                    v.createdAt == null ? null : v.createdAt.toInstant(), v.training == null ? null : tree(v.training),
                    tree(v.spec), checks.stream().map(r -> new Report.SanityOutcome(r.method(), r.passed(),
                    r.finalSimilarity(), r.threshold(), r.samples(), r.verdict(), r.noSignal())).toList()));
        }
        List<Report.Method> methods = new ArrayList<>();
        for (SaliencyService.MethodQuality q : saliency.quality(scope.scopedModels())) {
            List<SanityCheck.Result> checks = sanityByModelMethod.getOrDefault(q.modelId() + "/" + q.method(), List.of());
            String check = checks.isEmpty() ? "not run" : checks.stream().allMatch(SanityCheck.Result::passed)
                    ? "passed" : checks.stream().anyMatch(r -> !r.passed() && !r.inconclusive()) ? "failed" : "inconclusive";
            methods.add(new Report.Method(q.modelId(), q.method(), q.parameters(), q.maps(), q.meanCompletenessGap(),
                    q.maxCompletenessGap(), q.mapsWithCurves(), q.meanDeletionAuc(), q.meanInsertionAuc(), check,
                    q.withoutSignal(), q.selfCheckFlagged()));
        }
        return new Section(modelInfos, methods);
    }

    /** A stored JSON text as a tree. */
    static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("Stored JSON does not parse: " + e.getMessage(), e);
        }
    }
}
