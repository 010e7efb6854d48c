package org.rationale.audit;

import org.rationale.error.Invalid;
import org.rationale.error.NotFound;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.rationale.dataset.Dataset;
import org.rationale.dataset.DatasetService;
import org.rationale.model.ModelService;
import org.rationale.model.ModelVersion;
import org.rationale.project.Project;
import org.rationale.project.ProjectService;
import org.rationale.review.ReviewService;
import org.rationale.saliency.MapRendering;
import org.rationale.saliency.SaliencyService;
import org.rationale.saliency.SanityCheck;
import org.rationale.saliency.SanityService;
import org.rationale.scheduler.RoundService;
import org.rationale.scheduler.SchedulerService;
import org.rationale.security.AccountService;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Gathers an audit report of a project from the services that own each part, narrowed to a model
 * version, a round or a time range. Every format is drawn from the one {@link Report}.
 */
@ApplicationScoped
public class ReportService {

    static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    private final ProjectService projects;
    private final DatasetService datasets;
    private final ModelService models;
    private final SanityService sanity;
    private final SaliencyService saliency;
    private final ReviewService reviews;
    private final SchedulerService scheduler;
    private final RoundService rounds;
    private final AccountService accounts;
    private final AuditLog audit;

    ReportService(ProjectService projects, DatasetService datasets, ModelService models, SanityService sanity,
                  SaliencyService saliency, ReviewService reviews, SchedulerService scheduler, RoundService rounds,
                  AccountService accounts, AuditLog audit) {
        this.projects = projects;
        this.datasets = datasets;
        this.models = models;
        this.sanity = sanity;
        this.saliency = saliency;
        this.reviews = reviews;
        this.scheduler = scheduler;
        this.rounds = rounds;
        this.accounts = accounts;
        this.audit = audit;
    }

    /** The formats a report is exported in. */
    public enum Format {
        PDF("application/pdf"), HTML("text/html; charset=utf-8"), JSON("application/json"), CSV("text/csv; charset=utf-8");

        private final String mediaType;

        Format(String mediaType) {
            this.mediaType = mediaType;
        }

        public String mediaType() {
            return mediaType;
        }

        public String value() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** pdf, html, json or csv (default pdf); 400 otherwise. */
        public static Format parse(String text) {
            if (text == null || text.isBlank()) {
                return PDF;
            }
            for (Format f : values()) {
                if (f.value().equals(text.strip().toLowerCase(java.util.Locale.ROOT))) {
                    return f;
                }
            }
            throw new Invalid("Unknown format '" + text + "'", "Use pdf, html, json or csv");
        }
    }

    /** An exported report: its bytes, their SHA-256 (also in the audit trail) and a file name. */
    public record Export(Format format, byte[] bytes, String sha256, String filename, long auditSeq) {
    }

    /** Thumbnails in the PDF and HTML reports. */
    static final int THUMBNAILS = 12;

    /**
     * Builds, renders and records an export: the report is read in one transaction, drawn outside
     * any (a long PDF must not hold a connection), and its hash appended to the audit trail.
     */
    public Export export(long projectId, String format, Long modelId, Integer round, Instant from, Instant to,
                         String username) {
        Format f = Format.parse(format);
        Report report = build(projectId, modelId, round, from, to, username);
        byte[] bytes = render(report, f);
        String sha = AuditChain.sha256(bytes);
        String filename = filename(projectId, modelId, round, from, to, f);
        AuditEvent e = audit.record(username, "report.export", "project:" + projectId, projectId, AuditLog.details(
                "format", f.value(), "sha256", sha, "bytes", bytes.length, "verdicts", report.verdicts().size(),
                "scope", report.scope(), "chainHeadHash", report.audit().headHash(), "filename", filename));
        audit.anchorHead();
        return new Export(f, bytes, sha, filename, e.seq());
    }

    /** The file name of an export: the project and the scope, so that two scopes never share a name. */
    public static String filename(long projectId, Long modelId, Integer round, Instant from, Instant to, Format f) {
        return "rationale-report-project-" + projectId + (modelId == null ? "" : "-model-" + modelId)
                + (round == null ? "" : "-round-" + round)
                + (from == null ? "" : "-from-" + AuditChain.time(from).substring(0, 10))
                + (to == null ? "" : "-to-" + AuditChain.time(to).substring(0, 10)) + "." + f.value();
    }

    /** Draws a report in a format. */
    public byte[] render(Report report, Format f) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(1 << 16);
        try {
            switch (f) {
                case JSON -> REPORT_JSON.writeValue(out, report);
                case CSV -> {
                    var w = new java.io.OutputStreamWriter(out, java.nio.charset.StandardCharsets.UTF_8);
                    CsvReport.write(report, w);
                    w.flush();
                }
                case HTML, PDF -> {
                    Map<Long, byte[]> thumbs = new LinkedHashMap<>();
                    for (Report.Verdict v : sampleOfDecisions(report.verdicts(), THUMBNAILS)) {
                        thumbnail(v.saliencyMapId()).ifPresent(png -> thumbs.put(v.saliencyMapId(), png));
                    }
                    List<ReportDocument.Block> blocks = ReportDocument.of(report, plots(report, report.project().name()),
                            thumbs);
                    if (f == Format.PDF) {
                        PdfReport.write(report, blocks, out);
                    } else {
                        var w = new java.io.OutputStreamWriter(out, java.nio.charset.StandardCharsets.UTF_8);
                        HtmlReport.write(report, blocks, w);
                        w.flush();
                    }
                }
                default -> throw new IllegalStateException();
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** JSON of reports: ISO-8601 times, nulls kept (the schema lists every field). */
    static final ObjectMapper REPORT_JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .findAndAddModules()
            .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    /** Parses an ISO-8601 instant or date (a date means its start, UTC); 400 when it is neither. */
    public static Instant parseTime(String name, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String t = text.strip();
        try {
            return t.length() == 10 ? java.time.LocalDate.parse(t).atStartOfDay(java.time.ZoneOffset.UTC).toInstant()
                    : java.time.OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException e) {
            throw new Invalid("Invalid " + name + " '" + text + "'",
                    "Use an ISO-8601 date (2026-11-30) or time with offset (2026-11-30T08:00:00Z)");
        }
    }

    /**
     * Checks a report's scope against the project: 404 for an unknown project or round, 400 for a
     * model of another project, a model the round did not review, or an empty time range. Returns
     * the round, if one was named.
     */
    @Transactional
    public java.util.Optional<RoundService.Round> checkScope(long projectId, Long modelId, Integer roundNumber,
                                                           Instant from, Instant to) {
        projects.find(projectId).orElseThrow(() -> NotFound.of("Project " + projectId));
        if (modelId != null && models.find(modelId).filter(m -> m.projectId == projectId).isEmpty()) {
            throw new Invalid("Unknown model " + modelId, "Model " + modelId + " is not a model of project " + projectId);
        }
        if (from != null && to != null && !from.isBefore(to)) {
            throw new Invalid("Empty time range", "from (" + from + ") must be before to (" + to + ")");
        }
        if (roundNumber == null) {
            return java.util.Optional.empty();
        }
        RoundService.Round round = rounds.find(projectId, roundNumber).orElseThrow(() -> NotFound.of("Round " + roundNumber));
        if (modelId != null && modelId != round.modelId()) {
            throw new Invalid("Model and round disagree", "Round " + roundNumber + " reviewed model "
                    + round.modelId() + ", not " + modelId);
        }
        return java.util.Optional.of(round);
    }

    /** Builds the report; 404 for an unknown project or round, 400 for a scope that does not fit the project. */
    @Transactional
    public Report build(long projectId, Long modelId, Integer roundNumber, Instant from, Instant to, String generatedBy) {
        RoundService.Round round = checkScope(projectId, modelId, roundNumber, from, to).orElse(null);
        Project project = projects.find(projectId).orElseThrow();
        List<ModelVersion> all = models.list(projectId);
        Map<Long, ModelVersion> byId = all.stream().collect(Collectors.toMap(m -> m.id, m -> m, (a, b) -> a, LinkedHashMap::new));
        Long verdictModel = round != null ? Long.valueOf(round.modelId()) : modelId;
        Instant vFrom = latest(from, round == null ? null : round.createdAt().toInstant());
        Instant vTo = earliest(to, round == null || round.finishedAt() == null ? null : round.finishedAt().toInstant());

        // models in scope: the chosen one (and the round's result) with their lineage; else all
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
        Map<Long, Dataset> datasetById = new LinkedHashMap<>();
        for (Dataset d : datasets.datasetsOf(projectId)) {
            datasetById.put(d.id, d);
        }
        Map<Long, JsonNode> imports = new HashMap<>();
        List<Report.Override> overrides = new ArrayList<>();
        long[] projectEvents = {0};
        audit.forEach(projectId, null, null, 0, Integer.MAX_VALUE, e -> {
            projectEvents[0]++;
            if (e.action().equals("dataset.import")) {
                imports.put(Long.parseLong(e.subject().substring("dataset:".length())), tree(e.payload()));
            } else if ((e.action().equals("review.verdict") || e.action().equals("review.undo"))
                    && (vFrom == null || !e.at().isBefore(vFrom)) && (vTo == null || e.at().isBefore(vTo))) {
                JsonNode p = tree(e.payload());
                if (verdictModel != null && p.path("modelId").asLong() != verdictModel) {
                    return;
                }
                boolean undo = e.action().equals("review.undo");
                if (undo || !p.path("previousVerdict").isNull() && !p.path("previousVerdict").isMissingNode()) {
                    overrides.add(new Report.Override(e.seq(), e.at(), e.actor(), undo ? "undone" : "changed",
                            p.path("sampleId").asLong(), p.path("saliencyMapId").asLong(),
                            undo ? p.path("verdict").asText() : p.path("previousVerdict").asText(),
                            undo ? null : p.path("verdict").asText()));
                }
            }
        });
        List<Report.DatasetInfo> datasetInfos = new ArrayList<>();
        for (Dataset d : datasetById.values()) {
            JsonNode imp = imports.get(d.id);
            datasetInfos.add(new Report.DatasetInfo(d.id, d.name, d.split, d.format, d.sampleCount, d.origin,
                    d.createdAt == null ? null : d.createdAt.toInstant(),
                    imp == null ? null : imp.path("contentSha256").asText(null)));
        }

        List<Report.Model> modelInfos = new ArrayList<>();
        Map<String, List<SanityCheck.Result>> sanityByModelMethod = new HashMap<>();
        for (long id : scoped) {
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
                    r.finalSimilarity(), r.threshold(), r.samples())).toList()));
        }

        List<Report.Method> methods = new ArrayList<>();
        for (SaliencyService.MethodQuality q : saliency.quality(scoped)) {
            List<SanityCheck.Result> checks = sanityByModelMethod.getOrDefault(q.modelId() + "/" + q.method(), List.of());
            String check = checks.isEmpty() ? "not run" : checks.stream().allMatch(SanityCheck.Result::passed)
                    ? "passed" : "failed";
            methods.add(new Report.Method(q.modelId(), q.method(), q.parameters(), q.maps(), q.meanCompletenessGap(),
                    q.maxCompletenessGap(), q.mapsWithCurves(), q.meanDeletionAuc(), q.meanInsertionAuc(), check));
        }

        List<ReviewService.VerdictRecord> records = reviews.verdictRecords(projectId, verdictModel, vFrom, vTo);
        Map<Long, List<Long>> samplesByModel = new HashMap<>();
        for (ReviewService.VerdictRecord r : records) {
            samplesByModel.computeIfAbsent(r.review().modelId(), k -> new ArrayList<>()).add(r.review().sampleId());
        }
        Map<Long, Map<Long, SchedulerService.Reason>> reasons = scheduler.reasons(projectId,
                round == null ? null : round.strategy(), samplesByModel);
        List<String> names = project.classNames;
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
                    why.score(), why.components())));
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
            reviewers.add(new Report.Reviewer(a.username(), a.role(), c[0], c[1], c[2], c[3]));
            perReviewer.remove(a.username());
        }
        perReviewer.forEach((u, c) -> reviewers.add(new Report.Reviewer(u, roles.get(u) + " (no longer a member)",
                c[0], c[1], c[2], c[3])));

        ReviewService.AgreementReport agreement = agreementOf(records);
        SchedulerService.Settings settings = scheduler.settings(projectId);
        Map<String, Double> weights = new LinkedHashMap<>();
        weights.put("disagreement", settings.weights().disagreement());
        weights.put("uncertainty", settings.weights().uncertainty());
        weights.put("redFlag", settings.weights().redFlag());
        weights.put("diversity", settings.weights().diversity());
        Report.Scheduler sched = new Report.Scheduler(settings.strategy().value(), weights, settings.method(), settings.pool(),
                EXPLANATION);
        List<Report.Round> roundInfos = new ArrayList<>();
        for (RoundService.Round r : rounds.list(projectId)) {
            if (round != null && r.number() != round.number()) {
                continue;
            }
            roundInfos.add(new Report.Round(r.number(), r.state(), r.strategy(), r.batchSize(), r.feedback(), r.lambda(),
                    r.epochs(), r.modelId(), r.trainedModelId(), r.reviewedBefore(), r.reviewed(), r.masks(),
                    r.testAccuracy(), r.shortcutMass(), r.startedBy(), r.createdAt().toInstant(),
                    r.finishedAt() == null ? null : r.finishedAt().toInstant(),
                    byId.containsKey(r.modelId()) ? ModelService.trainingAccuracy(byId.get(r.modelId())).get("test") : null));
        }
        AuditChain.Verification chain = audit.verify();
        Long headSeq = audit.head().map(AuditEvent::seq).orElse(null);
        Report.AuditStatus status = new Report.AuditStatus(chain.valid(), chain.events(), chain.firstBrokenSeq(),
                audit.head().map(AuditEvent::hash).orElse(AuditChain.GENESIS), headSeq, projectEvents[0]);
        String description = describe(modelId, round, from, to);
        return new Report(1, AuditChain.truncate(Instant.now()), generatedBy,
                new Report.Scope(modelId, roundNumber, from, to, description),
                new Report.ProjectInfo(project.id, project.name, project.description, List.copyOf(names), datasetInfos),
                modelInfos, methods, reviewers, verdicts, overrides, agreement(agreement), sched, roundInfos,
                limits(modelInfos, methods), regulation(status, verdicts.size(), overrides.size(),
                (int) reviewers.stream().filter(x -> x.verdicts() > 0).count()), status);
    }

    /** Agreement over exactly the verdicts in the report. */
    private static ReviewService.AgreementReport agreementOf(List<ReviewService.VerdictRecord> records) {
        List<org.rationale.review.Agreement.Rating> ratings = records.stream()
                .map(r -> new org.rationale.review.Agreement.Rating("map " + r.review().saliencyMapId(), r.review().reviewer(),
                        r.review().verdict().value())).toList();
        var alpha = org.rationale.review.Agreement.krippendorffsAlpha(ratings);
        var fleiss = org.rationale.review.Agreement.fleissKappa(ratings);
        return new ReviewService.AgreementReport(ratings.size(), org.rationale.review.Agreement.pairwise(ratings),
                alpha.isPresent() ? alpha.getAsDouble() : null, fleiss.isPresent() ? fleiss.getAsDouble() : null,
                org.rationale.review.Agreement.disagreements(ratings));
    }

    private static Report.Agreement agreement(ReviewService.AgreementReport a) {
        return new Report.Agreement(a.verdicts(), a.pairs().stream().map(p -> new Report.Pair(p.raterA(), p.raterB(),
                p.commonItems(), p.observedAgreement(), p.kappa().isPresent() ? p.kappa().getAsDouble() : null)).toList(),
                a.krippendorffsAlpha(), a.fleissKappa(), a.disagreements());
    }

    static final String EXPLANATION = "Samples reach reviewers in the order of the scheduler's stored queue. "
            + "Each place carries its score and parts: disagreement (measured on annotated samples: 1 - relevance mass "
            + "accuracy, pointing-game miss, 1 - top-k IoU with the relevant mask, attribution mass in the shortcut mask; "
            + "predicted on the others: the larger of the map's mass where experts marked shortcuts elsewhere and its "
            + "concentration on its top 2 % of pixels), uncertainty (normalised entropy, margin, least confidence), red "
            + "flag (confidence >= 0.9 times disagreement); a batch is made diverse by k-center greedy on 7x7 pooled maps. "
            + "'random' ignores the scores. Each verdict lists the place and parts of its sample where the queue holds it.";

    private static List<Report.Limit> limits(List<Report.Model> models, List<Report.Method> methods) {
        List<String> checked = new ArrayList<>();
        int passed = 0;
        int total = 0;
        for (Report.Model m : models) {
            for (Report.SanityOutcome s : m.sanityChecks()) {
                total++;
                if (s.passed()) {
                    passed++;
                }
                checked.add(s.method() + " on model " + m.id() + ": " + (s.passed() ? "passed" : "FAILED")
                        + String.format(" (similarity to the randomised model %.2f, threshold %.2f)", s.finalSimilarity(),
                        s.threshold()));
            }
        }
        boolean igMeasured = methods.stream().anyMatch(m -> m.meanCompletenessGap() != null);
        String gap = methods.stream().filter(m -> m.meanCompletenessGap() != null)
                .map(m -> String.format("%s on model %d: mean completeness gap %.4g", m.method(), m.modelId(),
                        m.meanCompletenessGap())).collect(Collectors.joining("; "));
        boolean baselines = methods.stream().anyMatch(m -> m.parameters().contains("baseline"));
        return List.of(
                new Report.Limit("No causal guarantee",
                        "A saliency map shows where the model's output responds to its input (gradients) or to removing "
                                + "parts of it (occlusion); it does not prove which features caused the decision, and an "
                                + "expert's acceptance means the map looks right, not that the model reasons right.",
                        false, "Not testable by a map; the rounds' test accuracy on data with shortcuts randomised is "
                        + "the behavioural evidence."),
                new Report.Limit("Baseline sensitivity",
                        "Integrated gradients, occlusion and similar methods compare the input with a baseline (black, "
                                + "blurred, noise); another baseline gives another map.",
                        false, baselines ? "The baseline of each method is listed with its parameters above; no check "
                        + "compared baselines." : "No map in scope uses a baseline parameter."),
                new Report.Limit("Gradient saturation",
                        "Where the output is saturated the gradient is near zero although the feature matters; vanilla "
                                + "gradients and gradient x input under-report such features.",
                        igMeasured, igMeasured ? "Integrated gradients' completeness gap (sum of attributions minus the "
                        + "output difference to the baseline) was measured: " + gap + "." : "No completeness gap measured."),
                new Report.Limit("Plausible maps from random models",
                        "Some methods produce convincing maps even for a model with random weights (Adebayo et al. "
                                + "2018); such maps say little about the trained model.",
                        total > 0, total == 0 ? "No model-parameter randomisation check was run on these models."
                        : "Model-parameter randomisation checks: " + passed + " of " + total + " passed. "
                        + String.join("; ", checked) + "."));
    }

    private static List<Report.Regulation> regulation(Report.AuditStatus status, int verdicts, int overrides, int reviewers) {
        return List.of(
                new Report.Regulation("Art. 12", "Record-keeping",
                        "Automatic logging of events over the system's lifetime, to trace its functioning.",
                        "Every state change (imports, model versions, jobs, verdicts, annotations, memberships, rounds, "
                                + "exports) is an event of an append-only SHA-256 hash chain written in the same "
                                + "transaction; the database refuses updates and deletions. Chain: " + status.events()
                                + " events, " + (status.valid() ? "intact" : "BROKEN at event " + status.firstBrokenSeq())
                                + ", head " + status.headHash() + ". Sections: Audit trail, Verdicts, Overrides."),
                new Report.Regulation("Art. 13", "Transparency and information to deployers",
                        "Deployers can interpret the output: the system's identity, capabilities, accuracy and limits.",
                        "Model identity with SHA-256 and lineage, training data with content hashes and parameters, "
                                + "attribution methods with parameters and quality metrics, per-round test accuracy, and "
                                + "the known limits of saliency with what was tested. Sections: Models, Training data, "
                                + "Methods, Rounds, Limits."),
                new Report.Regulation("Art. 14", "Human oversight",
                        "People can understand, monitor, override and disregard the system's output.",
                        reviewers + " reviewer" + (reviewers == 1 ? "" : "s") + " gave " + verdicts + " verdicts on the model's rationales "
                                + "(accept, reject, unsure) with comments, painted relevant and shortcut regions that "
                                + "retrain the model, and changed or undid " + overrides + " of them; agreement between "
                                + "reviewers is measured; the scheduler states why each sample was shown. Sections: "
                                + "Reviewers, Verdicts, Overrides, Agreement, Scheduler."));
    }

    private static String describe(Long modelId, RoundService.Round round, Instant from, Instant to) {
        List<String> parts = new ArrayList<>();
        if (round != null) {
            parts.add("round " + round.number() + " (verdicts on model " + round.modelId() + " while it ran)");
        } else if (modelId != null) {
            parts.add("model " + modelId);
        }
        if (from != null) {
            parts.add("from " + from);
        }
        if (to != null) {
            parts.add("until " + to);
        }
        return parts.isEmpty() ? "the whole project" : String.join(", ", parts);
    }

    private static String name(List<String> names, int label) {
        return label >= 0 && label < names.size() ? names.get(label) : String.valueOf(label);
    }

    private static Instant latest(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
    }

    private static Instant earliest(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isBefore(b) ? a : b;
    }

    static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("Stored JSON does not parse: " + e.getMessage(), e);
        }
    }

    /** A thumbnail of a judged map over its image, for the PDF and HTML, drawn as the review shows it. */
    public java.util.Optional<byte[]> thumbnail(long mapId) {
        return saliency.overlayPng(mapId, MapRendering.REVIEW.opacity(), 4);
    }

    /** The decisions shown as thumbnails: up to {@code n}, rejections first, the rest spread over time. */
    public static List<Report.Verdict> sampleOfDecisions(List<Report.Verdict> verdicts, int n) {
        List<Report.Verdict> out = new ArrayList<>();
        List<Report.Verdict> rejected = verdicts.stream().filter(v -> v.verdict().equals("reject")).toList();
        List<Report.Verdict> others = verdicts.stream().filter(v -> !v.verdict().equals("reject")).toList();
        spread(rejected, Math.min(n / 2, rejected.size()), out);
        spread(others, Math.min(n - out.size(), others.size()), out);
        if (out.size() < n) {
            spread(rejected.stream().filter(v -> !out.contains(v)).toList(), n - out.size(), out);
        }
        return out;
    }

    private static void spread(List<Report.Verdict> from, int k, List<Report.Verdict> into) {
        for (int i = 0; i < k && i < from.size(); i++) {
            into.add(from.get((int) ((long) i * from.size() / k)));
        }
    }

    /** The learning curves of the report's finished rounds (test accuracy, shortcut mass) as PNGs; empty without rounds. */
    public static Map<String, byte[]> plots(Report r, String projectName) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        List<Report.Round> done = r.rounds().stream().filter(x -> x.testAccuracy() != null).toList();
        if (done.isEmpty()) {
            return out;
        }
        // the curve starts at the model the first round reviewed, when the platform trained it
        Report.Round first = done.get(0);
        int offset = first.startTestAccuracy() == null ? 0 : 1;
        double[] x = new double[done.size() + offset];
        double[] y = new double[done.size() + offset];
        if (offset == 1) {
            x[0] = first.reviewedBefore();
            y[0] = 100 * first.startTestAccuracy();
        }
        for (int i = 0; i < done.size(); i++) {
            x[i + offset] = done.get(i).reviewed() == null ? 0 : done.get(i).reviewed();
            y[i + offset] = 100 * done.get(i).testAccuracy();
        }
        out.put("Test accuracy against reviewed samples", org.rationale.scheduler.LearningCurvePlot.png(
                "Test accuracy against reviewed samples", "reviewed samples", "test accuracy %",
                List.of(new org.rationale.scheduler.LearningCurvePlot.Series(projectName, x, y, false)), 640, 360));
        // one point is no curve: the rounds table holds it
        List<Report.Round> massed = done.stream().filter(d -> d.shortcutMass() != null).toList();
        if (massed.size() >= 2) {
            out.put("Attribution on known shortcuts", org.rationale.scheduler.LearningCurvePlot.png(
                    "Attribution on known shortcuts", "reviewed samples", "share of |attribution|",
                    List.of(new org.rationale.scheduler.LearningCurvePlot.Series(projectName,
                            massed.stream().mapToDouble(d -> d.reviewed() == null ? 0 : d.reviewed()).toArray(),
                            massed.stream().mapToDouble(Report.Round::shortcutMass).toArray(), false)), 640, 360));
        }
        return out;
    }
}
