package org.rationale.report;

import jakarta.enterprise.context.ApplicationScoped;
import org.rationale.dataset.DatasetService;
import org.rationale.dataset.FeatureSet;
import org.rationale.dataset.Sample;
import org.rationale.dataset.TableColumn;
import org.rationale.project.Modality;
import org.rationale.review.ReviewService;
import org.rationale.saliency.SaliencyService;
import org.rationale.scheduler.SchedulerService;
import org.rationale.security.AccountService;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The report's human oversight: every verdict in scope with the map it judged and why the
 * scheduler chose its sample (on a table row also the map's top attributions with the row's values
 * and the feature sets marked), the reviewers with their counts, their agreement, and the
 * scheduler's settings.
 */
@ApplicationScoped
public class VerdictFacts {

    private final ReviewService reviews;
    private final SchedulerService scheduler;
    private final AccountService accounts;
    private final DatasetService datasets;
    private final SaliencyService saliency;

    /** Features of a row's judged map the report names, the largest attributions by magnitude. */
    static final int TOP_FEATURES = 5;

    VerdictFacts(ReviewService reviews, SchedulerService scheduler, AccountService accounts, DatasetService datasets,
                 SaliencyService saliency) {
        this.reviews = reviews;
        this.datasets = datasets;
        this.saliency = saliency;
        this.scheduler = scheduler;
        this.accounts = accounts;
    }

    /** The verdicts of a scope, who gave them, and how far the reviewers agree. */
    public record Section(List<Report.Verdict> verdicts, List<Report.Reviewer> reviewers, Report.Agreement agreement) {
    }

    /** The verdicts in scope (with the class names of the project), their reviewers and agreement. */
    public Section of(ReportScope.Resolved scope) {
        long projectId = scope.project().id;
        List<ReviewService.VerdictRecord> records = reviews.verdictRecords(projectId, scope.verdictModel(),
                scope.verdictsFrom(), scope.verdictsTo());
        Map<Long, List<Long>> samplesByModel = new HashMap<>();
        for (ReviewService.VerdictRecord r : records) {
            samplesByModel.computeIfAbsent(r.review().modelId(), k -> new ArrayList<>()).add(r.review().sampleId());
        }
        Map<Long, Map<Long, SchedulerService.Reason>> reasons = scheduler.reasons(projectId,
                scope.round() == null ? null : scope.round().strategy(), samplesByModel);
        List<String> names = scope.project().classNames;
        Map<Long, Map<String, Integer>> areas = reviews.maskAreas(projectId);
        Map<Long, Report.Row> rows = scope.project().modality == Modality.TABULAR
                ? rows(records.stream().map(r -> r.review()).toList()) : Map.of();
        List<Report.Verdict> verdicts = new ArrayList<>(records.size());
        Map<String, long[]> perReviewer = new TreeMap<>();
        Map<String, String> roles = new HashMap<>();
        for (ReviewService.VerdictRecord r : records) {
            ReviewService.Review v = r.review();
            SchedulerService.Reason why = reasons.getOrDefault(v.modelId(), Map.of()).get(v.sampleId());
            verdicts.add(new Report.Verdict(v.id(), v.updatedAt().toInstant(), v.reviewer(), r.reviewerRole(), v.sampleId(),
                    r.split(), r.label(), name(names, r.label()), r.predicted(), r.predicted() == null ? null
                    : name(names, r.predicted()), r.confidence(), v.saliencyMapId(), v.method(), v.modelId(), v.verdict().value(),
                    v.comment(), v.version(), why == null ? null : new Report.Choice(why.strategy(), why.position(),
                    why.score(), why.components()), masks(areas.get(v.sampleId())), rows.get(v.id())));
            long[] c = perReviewer.computeIfAbsent(v.reviewer(), k -> new long[4]);
            c[0]++;
            c[switch (v.verdict()) {
                case ACCEPT -> 1;
                case REJECT -> 2;
                default -> 3;
            }]++;
            roles.put(v.reviewer(), r.reviewerRole());
        }
        List<Report.Reviewer> reviewers = new ArrayList<>();
        for (AccountService.Account a : accounts.members(projectId)) {
            long[] c = perReviewer.getOrDefault(a.username(), new long[4]);
            reviewers.add(new Report.Reviewer(a.username(), a.role().value(), c[0], c[1], c[2], c[3]));
            perReviewer.remove(a.username());
        }
        perReviewer.forEach((u, c) -> reviewers.add(new Report.Reviewer(u, roles.get(u) + " (no longer a member)",
                c[0], c[1], c[2], c[3])));
        ReviewService.AgreementReport agreement = ReviewService.agreementOf(
                records.stream().map(ReviewService.VerdictRecord::review).toList());
        return new Section(verdicts, reviewers, agreement(agreement));
    }

    /** The scheduler's settings of the project and how it chooses samples (on table rows, if {@code rows}). */
    public Report.Scheduler scheduler(long projectId, boolean rows) {
        SchedulerService.Settings settings = scheduler.settings(projectId);
        Map<String, Double> weights = new LinkedHashMap<>();
        weights.put("disagreement", settings.weights().disagreement());
        weights.put("uncertainty", settings.weights().uncertainty());
        weights.put("redFlag", settings.weights().redFlag());
        weights.put("diversity", settings.weights().diversity());
        return new Report.Scheduler(settings.strategy().value(), weights, settings.method(), settings.pool(),
                rows ? ReportProse.schedulerExplanationOnRows() : ReportProse.schedulerExplanation());
    }

    /** The features of a tabular project's tables, for the report's features section. */
    public List<Report.Feature> features(long projectId) {
        return datasets.tableColumns(projectId).stream().map(c -> new Report.Feature(c.name(),
                c.type().name().toLowerCase(Locale.ROOT), c.categories())).toList();
    }

    /** Samples or maps read in one query. */
    private static final int PER_READ = 1000;

    /**
     * What each verdict on a row judged, by review id: the judged map's {@value #TOP_FEATURES}
     * largest attributions by magnitude with the row's values, and the row's marked feature sets.
     * Rows, samples, annotations and maps are read {@value #PER_READ} at a time, not one per verdict.
     */
    private Map<Long, Report.Row> rows(List<ReviewService.Review> reviewed) {
        List<Long> sampleIds = reviewed.stream().map(ReviewService.Review::sampleId).distinct().toList();
        Map<Long, Map<String, Object>> values = new HashMap<>();
        Map<Long, List<Report.MarkedFeatures>> marked = new HashMap<>();
        Map<Long, List<TableColumn>> columnsOf = new HashMap<>();
        for (int start = 0; start < sampleIds.size(); start += PER_READ) {
            List<Long> chunk = sampleIds.subList(start, Math.min(sampleIds.size(), start + PER_READ));
            values.putAll(datasets.rows(chunk));
            Map<Long, List<ReviewService.Annotation>> annotations = reviews.annotations(chunk);
            for (Sample s : datasets.samples(chunk)) {
                List<TableColumn> columns = columnsOf.computeIfAbsent(s.datasetId, datasets::datasetColumns);
                List<Report.MarkedFeatures> sets = new ArrayList<>();
                for (ReviewService.Annotation a : annotations.getOrDefault(s.id, List.of())) {
                    if (a.pixels() > 0 && a.mask() != null && a.mask().length == columns.size()) {
                        sets.add(new Report.MarkedFeatures(a.kind(), FeatureSet.of(columns, a.mask()).features()));
                    }
                }
                marked.put(s.id, sets);
            }
        }
        List<Long> mapIds = reviewed.stream().map(ReviewService.Review::saliencyMapId).distinct().toList();
        Map<Long, Map<String, Float>> attributions = new HashMap<>();
        for (int start = 0; start < mapIds.size(); start += PER_READ) {
            attributions.putAll(saliency.rowValues(mapIds.subList(start, Math.min(mapIds.size(), start + PER_READ))));
        }
        Map<Long, Report.Row> out = new HashMap<>();
        for (ReviewService.Review v : reviewed) {
            Map<String, Object> row = values.getOrDefault(v.sampleId(), Map.of());
            List<Report.MarkedFeatures> sets = marked.getOrDefault(v.sampleId(), List.of());
            List<Map.Entry<String, Float>> ranked = attributions.getOrDefault(v.saliencyMapId(), Map.of()).entrySet()
                    .stream().sorted(Comparator.comparingDouble((Map.Entry<String, Float> e) -> -Math.abs(e.getValue())))
                    .toList();
            List<Report.Attribution> top = new ArrayList<>();
            List<Report.Attribution> ofMarked = new ArrayList<>();
            Set<String> markedNames = new HashSet<>();
            sets.forEach(f -> markedNames.addAll(f.features()));
            for (int i = 0; i < ranked.size(); i++) {
                Map.Entry<String, Float> e = ranked.get(i);
                Report.Attribution a = new Report.Attribution(e.getKey(), row.get(e.getKey()), e.getValue(), i + 1);
                if (i < TOP_FEATURES) {
                    top.add(a);
                } else if (markedNames.contains(e.getKey())) {
                    ofMarked.add(a);
                }
            }
            out.put(v.id(), new Report.Row(top, sets, ofMarked));
        }
        return out;
    }

    private static Report.Agreement agreement(ReviewService.AgreementReport a) {
        return new Report.Agreement(a.verdicts(), a.pairs().stream().map(p -> new Report.Pair(p.raterA(), p.raterB(),
                p.commonItems(), p.observedAgreement(), p.kappa().isPresent() ? p.kappa().getAsDouble() : null)).toList(),
                a.krippendorffsAlpha(), a.fleissKappa(), a.disagreements());
    }

    private static Report.MaskAreas masks(Map<String, Integer> painted) {
        return painted == null ? new Report.MaskAreas(0, 0)
                : new Report.MaskAreas(painted.getOrDefault("relevant", 0), painted.getOrDefault("shortcut", 0));
    }

    private static String name(List<String> names, int label) {
        return label >= 0 && label < names.size() ? names.get(label) : String.valueOf(label);
    }
}
