package org.rationale.report;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.rationale.audit.AuditChain;
import org.rationale.model.ModelService;
import org.rationale.model.ModelVersion;
import org.rationale.project.Modality;
import org.rationale.project.Project;
import org.rationale.scheduler.RoundService;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Gathers the facts of an audit report from the services that own each part, in one transaction:
 * the scope, the training data and overrides from the trail, the models and methods, the verdicts
 * and reviewers, the scheduler, the rounds and the chain. Every format is drawn from this one
 * {@link Report}.
 */
@ApplicationScoped
public class ReportFacts {

    private final ReportScope scopes;
    private final TrailFacts trail;
    private final ModelFacts models;
    private final VerdictFacts verdicts;
    private final RoundService rounds;

    ReportFacts(ReportScope scopes, TrailFacts trail, ModelFacts models, VerdictFacts verdicts, RoundService rounds) {
        this.scopes = scopes;
        this.trail = trail;
        this.models = models;
        this.verdicts = verdicts;
        this.rounds = rounds;
    }

    /** Builds the report; 404 for an unknown project or round, 400 for a scope that does not fit the project. */
    @Transactional
    public Report build(long projectId, Long modelId, Integer roundNumber, Instant from, Instant to, String generatedBy) {
        ReportScope.Resolved scope = scopes.resolve(projectId, modelId, roundNumber, from, to);
        Project project = scope.project();
        TrailFacts.Section events = trail.of(scope);
        ModelFacts.Section modelSection = models.of(scope);
        VerdictFacts.Section verdictSection = verdicts.of(scope);
        Report.Scheduler scheduler = verdicts.scheduler(projectId, project.modality == Modality.TABULAR);
        List<Report.Round> roundInfos = rounds(scope);
        Report.AuditStatus status = trail.status(events.projectEvents());
        int activeReviewers = (int) verdictSection.reviewers().stream().filter(x -> x.verdicts() > 0).count();
        return new Report(1, AuditChain.truncate(Instant.now()), generatedBy, scope.scope(),
                new Report.ProjectInfo(project.id, project.name, project.description, List.copyOf(project.classNames),
                        events.datasets(), project.modality.wireName(), project.modality == Modality.TABULAR
                        ? verdicts.features(projectId) : List.of()),
                modelSection.models(), modelSection.methods(), verdictSection.reviewers(), verdictSection.verdicts(),
                events.overrides(), verdictSection.agreement(), scheduler, roundInfos,
                ReportProse.limits(modelSection.models(), modelSection.methods(), project.modality == Modality.TABULAR),
                ReportProse.regulation(status, verdictSection.verdicts().size(), events.overrides().size(),
                        activeReviewers, project.modality == Modality.TABULAR), status);
    }

    /** The project's rounds (only the scope's round, when it names one), each with its start model's test accuracy. */
    private List<Report.Round> rounds(ReportScope.Resolved scope) {
        Map<Long, ModelVersion> byId = scope.models();
        List<Report.Round> out = new ArrayList<>();
        for (RoundService.Round r : rounds.list(scope.project().id)) {
            if (scope.round() != null && r.number() != scope.round().number()) {
                continue;
            }
            out.add(new Report.Round(r.number(), r.state(), r.strategy(), r.batchSize(), r.feedback(), r.lambda(),
                    r.epochs(), r.modelId(), r.trainedModelId(), r.reviewedBefore(), r.reviewed(), r.masks(),
                    r.testAccuracy(), r.shortcutMass(), r.startedBy(), r.createdAt().toInstant(),
                    r.finishedAt() == null ? null : r.finishedAt().toInstant(),
                    byId.containsKey(r.modelId()) ? ModelService.trainingAccuracy(byId.get(r.modelId())).get("test") : null,
                    label(byId, r.modelId()), r.trainedModelId() == null ? null : label(byId, r.trainedModelId()),
                    r.relianceDrop(), r.relianceFlipRate(),
                    r.parentAccuracy(), r.controlAccuracies(), r.verdict(), r.verdictText(), r.madeCurrent()));
        }
        return out;
    }

    /** A version of the project as people know it ("small-cnn v2"); one no longer stored by its id. */
    static String label(Map<Long, ModelVersion> byId, long id) {
        ModelVersion v = byId.get(id);
        return v == null ? "model #" + id : v.label();
    }
}
