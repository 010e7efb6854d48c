package org.rationale.report;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.rationale.dataset.Dataset;
import org.rationale.dataset.DatasetService;
import org.rationale.dataset.Sample;
import org.rationale.review.ReviewService;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What a feedback export holds, read in one transaction: the scope (checked as a report's), the
 * verdicts in it, the painted masks of the samples they judge (and, when the scope names no model
 * or round, also the masks saved in its time range), and those samples with their datasets. The
 * pixels are read later, a bounded chunk at a time.
 */
@ApplicationScoped
public class FeedbackFacts {

    private final ReportScope scopes;
    private final ReviewService reviews;
    private final DatasetService datasets;

    FeedbackFacts(ReportScope scopes, ReviewService reviews, DatasetService datasets) {
        this.scopes = scopes;
        this.reviews = reviews;
        this.datasets = datasets;
    }

    /** The facts of an export; samples and datasets by id, samples in id order. */
    public record Facts(ReportScope.Resolved scope, List<ReviewService.ExportedVerdict> verdicts,
                        List<ReviewService.MaskInfo> masks, Map<Long, Sample> samples, Map<Long, Dataset> datasets) {
    }

    /** Gathers an export's facts; 404 for an unknown project or round, 400 for a scope that does not fit the project. */
    @Transactional
    public Facts gather(long projectId, Long modelId, Integer round, Instant from, Instant to) {
        ReportScope.Resolved scope = scopes.resolve(projectId, modelId, round, from, to);
        List<ReviewService.ExportedVerdict> verdicts = reviews.exportedVerdicts(projectId, scope.verdictModel(),
                scope.verdictsFrom(), scope.verdictsTo());
        TreeSet<Long> judged = verdicts.stream().map(v -> v.review().sampleId()).collect(Collectors.toCollection(TreeSet::new));
        boolean window = modelId == null && round == null;
        List<ReviewService.MaskInfo> masks = reviews.paintedMaskInfos(projectId, judged, window, from, to);
        TreeSet<Long> ids = new TreeSet<>(judged);
        masks.forEach(m -> ids.add(m.sampleId()));
        Map<Long, Sample> samples = datasets.samples(ids).stream()
                .collect(Collectors.toMap(s -> s.id, Function.identity(), (a, b) -> a, LinkedHashMap::new));
        Map<Long, Dataset> sets = datasets.datasetsOf(projectId).stream()
                .collect(Collectors.toMap(d -> d.id, Function.identity(), (a, b) -> a, LinkedHashMap::new));
        return new Facts(scope, verdicts, masks, samples, sets);
    }
}
