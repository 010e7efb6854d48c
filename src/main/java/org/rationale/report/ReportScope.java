package org.rationale.report;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.rationale.error.Invalid;
import org.rationale.error.NotFound;
import org.rationale.model.ModelService;
import org.rationale.model.ModelVersion;
import org.rationale.project.Project;
import org.rationale.project.ProjectService;
import org.rationale.scheduler.RoundService;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a report covers: a project narrowed to a model version, a round or a time range, checked
 * against the project and resolved into the models and the verdict window the report reads.
 */
@ApplicationScoped
public class ReportScope {

    private final ProjectService projects;
    private final ModelService models;
    private final RoundService rounds;

    ReportScope(ProjectService projects, ModelService models, RoundService rounds) {
        this.projects = projects;
        this.models = models;
        this.rounds = rounds;
    }

    /**
     * A checked scope. {@code models} are all versions of the project by id; {@code scopedModels}
     * the ones the report describes (the chosen one, or the round's model and its result, or all);
     * verdicts are those on {@code verdictModel} (null: any) given in [{@code verdictsFrom},
     * {@code verdictsTo}) (null ends: open).
     */
    public record Resolved(Project project, Long modelId, Integer roundNumber, RoundService.Round round, Instant from,
                           Instant to, Map<Long, ModelVersion> models, Set<Long> scopedModels, Long verdictModel,
                           Instant verdictsFrom, Instant verdictsTo) {

        /** The scope as the report states it. */
        Report.Scope scope() {
            return new Report.Scope(modelId, roundNumber, from, to, description());
        }

        private String description() {
            List<String> parts = new ArrayList<>();
            if (round != null) {
                parts.add("round " + round.number() + " (verdicts on " + ReportFacts.label(models, round.modelId())
                        + " while it ran)");
            } else if (modelId != null) {
                parts.add(ReportFacts.label(models, modelId));
            }
            if (from != null) {
                parts.add("from " + from);
            }
            if (to != null) {
                parts.add("until " + to);
            }
            return parts.isEmpty() ? "the whole project" : String.join(", ", parts);
        }
    }

    /**
     * Checks a report's scope against the project: 404 for an unknown project or round, 400 for a
     * model of another project, a model the round did not review, or an empty time range. Returns
     * the round, if one was named.
     */
    @Transactional
    public Optional<RoundService.Round> check(long projectId, Long modelId, Integer roundNumber, Instant from, Instant to) {
        projects.find(projectId).orElseThrow(() -> NotFound.of("Project " + projectId));
        if (modelId != null && models.find(modelId).filter(m -> m.projectId == projectId).isEmpty()) {
            throw new Invalid("Unknown model " + modelId, "Model " + modelId + " is not a model of project " + projectId);
        }
        if (from != null && to != null && !from.isBefore(to)) {
            throw new Invalid("Empty time range", "from (" + from + ") must be before to (" + to + ")");
        }
        if (roundNumber == null) {
            return Optional.empty();
        }
        RoundService.Round round = rounds.find(projectId, roundNumber).orElseThrow(() -> NotFound.of("Round " + roundNumber));
        if (modelId != null && modelId != round.modelId()) {
            throw new Invalid("Model and round disagree", "Round " + roundNumber + " reviewed model "
                    + round.modelId() + ", not " + modelId);
        }
        return Optional.of(round);
    }

    /** Checks the scope (see {@link #check}) and resolves it. */
    @Transactional
    public Resolved resolve(long projectId, Long modelId, Integer roundNumber, Instant from, Instant to) {
        RoundService.Round round = check(projectId, modelId, roundNumber, from, to).orElse(null);
        Project project = projects.find(projectId).orElseThrow();
        Map<Long, ModelVersion> byId = models.list(projectId).stream()
                .collect(Collectors.toMap(m -> m.id, m -> m, (a, b) -> a, LinkedHashMap::new));
        Set<Long> scoped = new LinkedHashSet<>();
        if (round != null) {
            scoped.add(round.modelId());
            if (round.trainedModelId() != null) {
                scoped.add(round.trainedModelId());
            }
        } else if (modelId != null) {
            scoped.add(modelId);
        } else {
            scoped.addAll(byId.keySet());
        }
        Long verdictModel = round != null ? Long.valueOf(round.modelId()) : modelId;
        Instant verdictsFrom = latest(from, round == null ? null : round.createdAt().toInstant());
        Instant verdictsTo = earliest(to, round == null || round.finishedAt() == null ? null : round.finishedAt().toInstant());
        return new Resolved(project, modelId, roundNumber, round, from, to, byId, scoped, verdictModel, verdictsFrom,
                verdictsTo);
    }

    private static Instant latest(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
    }

    private static Instant earliest(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isBefore(b) ? a : b;
    }
}
