package org.rationale.report;

import org.rationale.saliency.MapRendering;
import com.fasterxml.jackson.databind.JsonNode;
import org.rationale.audit.AuditChain;
import org.rationale.model.ModelVersion;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The report laid out once as headings, paragraphs, tables and figures, in reading order; the HTML
 * and PDF exports each draw these blocks in their own medium.
 */
public final class ReportDocument {

    /** One block of the document. */
    public sealed interface Block permits Heading, Paragraph, Status, Table, Figures {
    }

    public record Heading(int level, String text) implements Block {
    }

    public record Paragraph(String text) implements Block {
    }

    /** A verdict on the whole (the audit chain), shown prominently. */
    public record Status(boolean good, String text) implements Block {
    }

    public record Table(List<String> head, List<List<Object>> rows) implements Block {
        /** A table of label / value rows has blank headers and shows none. */
        public boolean hasHead() {
            return head.stream().anyMatch(h -> !h.isBlank());
        }
    }

    public record Figure(byte[] png, String caption) {
    }

    /** Images side by side; {@code small} for thumbnails. */
    public record Figures(List<Figure> figures, boolean small) implements Block {
    }

    private final List<Block> blocks = new ArrayList<>();

    private ReportDocument() {
    }

    public static List<Block> of(Report r, Map<String, byte[]> plots, Map<Long, byte[]> thumbnails) {
        ReportDocument d = new ReportDocument();
        d.heading(1, "Audit report: " + r.project().name());
        d.para("Generated " + time(r.generatedAt()) + " UTC by " + r.generatedBy() + ". Scope: "
                + r.scope().description() + ". All times are UTC. Report format version " + r.reportVersion() + ".");

        d.heading(2, "Summary");
        d.table(List.of("", ""), summary(r), "");

        d.heading(2, "Audit trail");
        Report.AuditStatus a = r.audit();
        d.status(a.valid(), a.valid() ? "Chain intact" : "Chain BROKEN at event " + a.firstBrokenSeq());
        d.para("Chain of " + a.events() + " events; head event " + or(a.headSeq()) + ", hash " + a.headHash()
                + ". Events of this project: " + a.projectEvents() + ".");

        d.heading(2, "Project and training data");
        d.para(r.project().description() == null ? "" : r.project().description());
        d.para("Classes: " + String.join(", ", r.project().classNames()));
        boolean onRows = tabular(r);
        if (onRows) {
            d.heading(3, "Features (" + r.project().features().size() + ")");
            d.para("Each sample is a table row; these are the columns of the project's tables that models read.");
            d.table(List.of("Type", "Features", "Categories"), features(r.project().features()));
        }
        d.table(List.of("Dataset", "Split", "Format", "Samples", "Origin", "Imported", "Content SHA-256"),
                r.project().datasets().stream().map(s -> row(s.name() + " (#" + s.id() + ")", s.split(),
                        s.format(), s.samples(), s.origin(), time(s.importedAt()), or(s.contentSha256()))).toList());

        d.heading(2, "Models");
        for (Report.Model m : r.models()) {
            d.heading(3, ModelVersion.label(m.name(), m.version()) + " (model " + m.id() + ")");
            List<List<Object>> rows = new ArrayList<>(List.of(
                    row("SHA-256", or(m.sha256())), row("Kind / origin", m.kind() + " / " + m.origin()),
                    row("Created", time(m.createdAt())), row("Lineage (oldest first)", m.lineage().stream()
                            .map(id -> model(r, id)).collect(Collectors.joining(" → ")))));
            if (m.training() == null) {
                rows.add(row("Training", "uploaded: trained elsewhere"));
            } else {
                readable("training.", ModelFacts.JSON.valueToTree(m.training()), rows);
            }
            readable("input.", ModelFacts.JSON.valueToTree(m.spec()), rows);
            d.table(List.of("Field", "Value"), rows);
        }

        d.heading(2, "Attribution methods and their quality");
        d.table(List.of("Model", "Method", "Parameters", "Maps", "Completeness gap (mean / max)", "Deletion AUC",
                "Insertion AUC", "Maps with curves", "Sanity check", "Maps without signal", "Self-check flagged"),
                r.methods().stream().map(m -> row(
                model(r, m.modelId()), m.method(), m.parameters().isBlank() || m.parameters().equals("{}") ? "defaults"
                        : m.parameters(), m.maps(), num(m.meanCompletenessGap()) + " / "
                        + num(m.maxCompletenessGap()), num(m.meanDeletionAuc()), num(m.meanInsertionAuc()),
                m.mapsWithCurves(), m.sanityCheck(), m.mapsWithoutSignal(), m.mapsSelfCheckFlagged())).toList());

        d.heading(2, "Known limits of saliency");
        d.table(List.of("Limit", "What it means", "Tested here", "Evidence"), r.limits().stream().map(l -> row(
                l.limit(), l.explanation(), l.tested() ? "yes" : "no", l.evidence())).toList());

        d.heading(2, "Reviewers");
        d.table(List.of("Reviewer", "Role", "Verdicts", "Accepted", "Rejected", "Unsure"), r.reviewers().stream()
                .map(v -> row(v.username(), v.role(), v.verdicts(), v.accepted(), v.rejected(), v.unsure()))
                .toList());

        d.heading(2, "Scheduler: why these samples");
        d.para("Strategy " + r.scheduler().strategy() + ", weights " + r.scheduler().weights() + ", map method "
                + r.scheduler().method() + ", candidate pool " + r.scheduler().pool() + ". " + r.scheduler().explanation());

        d.heading(2, "Rounds");
        d.table(List.of("Round", "State", "Strategy", "Batch", "Feedback", "λ", "Epochs", "Model → trained", "Reviewed",
                onRows ? "Feature sets" : "Masks", "Test accuracy", "Shortcut mass", "Reliance flips", "Reliance drop", "Started by", "Started",
                "Finished"), r.rounds().stream()
                .map(x -> row(x.number(), x.state(), x.strategy(), x.batchSize(), x.feedback(),
                        value(ModelFacts.JSON.valueToTree(x.lambda())),
                        x.epochs(), x.model() + (x.trainedModel() == null ? "" : " → " + x.trainedModel()),
                        or(x.reviewed()), or(x.masks()),
                        pct(x.testAccuracy()), num(x.shortcutMass()), pct(x.relianceFlipRate()),
                        num(x.relianceDrop()), x.startedBy(), time(x.startedAt()),
                        time(x.finishedAt()))).toList());
        for (Report.Round x : r.rounds()) {
            if (x.verdict() != null) {
                d.para("Round " + x.number() + ": the retrained version (" + or(x.trainedModel()) + ") is "
                        + x.verdictText() + (x.controlAccuracies() == null || x.controlAccuracies().isEmpty() ? ""
                        : "; controls (the same retraining without the round's new masks) reached "
                        + String.join(", ", x.controlAccuracies().stream().map(ReportDocument::pct).toList()))
                        + (Boolean.TRUE.equals(x.madeCurrent()) ? "; it became the project's current version."
                        : "; it was kept as a version, not made the project's current one."));
            }
        }
        List<Figure> curves = new ArrayList<>();
        plots.forEach((title, png) -> curves.add(new Figure(png, "")));
        d.figures(curves, false);

        d.heading(2, "Agreement between reviewers");
        Report.Agreement ag = r.agreement();
        String unmeasured = " not measured (no map was judged by two reviewers)";
        d.para(ag.verdicts() + " verdicts. Krippendorff's α" + (ag.krippendorffsAlpha() == null ? unmeasured
                : " " + num(ag.krippendorffsAlpha())) + "; Fleiss' κ" + (ag.fleissKappa() == null ? unmeasured
                : " " + num(ag.fleissKappa())) + ". Maps reviewers disagree on: " + (ag.disagreements().isEmpty() ? "none"
                : String.join(", ", ag.disagreements())) + ".");
        d.table(List.of("Reviewer A", "Reviewer B", "Common maps", "Observed agreement", "Cohen's κ"), ag.pairs().stream()
                .map(p -> row(p.raterA(), p.raterB(), p.commonItems(), num(p.observedAgreement()),
                        num(p.kappa()))).toList(), "");

        d.heading(2, "Overrides");
        d.table(List.of("Event", "Time", "Reviewer", "Action", "Sample", "Map", "From", "To"), r.overrides().stream()
                .map(o -> row(o.seq(), time(o.at()), o.reviewer(), o.action(), o.sampleId(), o.saliencyMapId(),
                        o.from(), or(o.to()))).toList(), "No verdict was changed or undone.");

        if (onRows) {
            reviewedRows(d, r);
        } else {
            d.heading(2, "A sample of the decisions");
            d.para(MapRendering.REVIEW.description() + " " + ReportThumbnails.LEGEND);
            List<Figure> maps = new ArrayList<>();
            for (Report.Verdict v : ReportThumbnails.sampleOfDecisions(r.verdicts(), thumbnails.size())) {
                byte[] png = thumbnails.get(v.saliencyMapId());
                if (png != null) {
                    maps.add(new Figure(png, v.verdict() + " by " + v.reviewer() + ": sample " + v.sampleId() + " ("
                            + v.labelName() + "), predicted " + or(v.predictedName()) + ", " + v.method() + "; masks: "
                            + masks(v.masks())));
                }
            }
            d.figures(maps, true);
        }

        d.heading(2, "Verdicts (" + r.verdicts().size() + ")");
        d.table(List.of("Time", "Reviewer", "Sample", "Label", "Predicted", "Confidence", "Map", "Method", "Model",
                "Verdict", "Comment", onRows ? "Feature sets" : "Masks", "Why chosen"), r.verdicts().stream().map(v -> row(time(v.at()),
                v.reviewer() + " (" + v.role() + ")", v.sampleId(), v.labelName(), or(v.predictedName()),
                num(v.confidence()), v.saliencyMapId(), v.method(), model(r, v.modelId()), v.verdict(), or(v.comment()),
                onRows ? featureSets(v.row()) : masks(v.masks()),
                v.choice() == null ? "" : "#" + (v.choice().position() + 1) + " of " + v.choice().strategy() + ", score "
                        + num(v.choice().score()))).toList());

        d.heading(2, "EU AI Act");
        d.table(List.of("Article", "Title", "Asks", "Where this report answers"), r.regulation().stream()
                .map(x -> row(x.article(), x.title(), x.requirement(), x.evidence())).toList());
        return d.blocks;
    }

    /** Whether the report is of a project of table rows. */
    static boolean tabular(Report r) {
        return "tabular".equals(r.project().modality());
    }

    /**
     * The tabular section in place of the thumbnails: per reviewed row its verdict, the judged map's
     * top attributions (feature = the row's value, signed attribution) and the feature sets marked.
     */
    private static void reviewedRows(ReportDocument d, Report r) {
        d.heading(2, "Reviewed rows");
        d.para("For each verdict on a row: the " + VerdictFacts.TOP_FEATURES + " features with the largest "
                + "attributions in the judged map (by magnitude; positive pushes towards the explained class, "
                + "negative away from it), each with the row's value, then any marked feature further down with its "
                + "rank, and the feature sets experts marked on the row (relevant: what should matter; shortcut: "
                + "what must not).");
        d.table(List.of("Sample", "Verdict", "Label → predicted", "Method", "Top attributions (feature = value: attribution)",
                "Feature sets marked"), r.verdicts().stream().map(v -> row(v.sampleId(), v.verdict() + " by "
                        + v.reviewer(), v.labelName() + " → " + or(v.predictedName()), v.method(),
                attributions(v.row()), featureSets(v.row()))).toList());
    }

    /**
     * The features by type: the numeric and the boolean ones each in one row (names in table order),
     * each categorical one in its own row with its categories.
     */
    private static List<List<Object>> features(List<Report.Feature> features) {
        List<List<Object>> rows = new ArrayList<>();
        for (String type : List.of("numeric", "boolean")) {
            List<String> names = features.stream().filter(f -> f.type().equals(type)).map(Report.Feature::name).toList();
            if (!names.isEmpty()) {
                rows.add(row(type + " (" + names.size() + ")", String.join(", ", names), "–"));
            }
        }
        for (Report.Feature f : features) {
            if (f.type().equals("categorical")) {
                rows.add(row("categorical", f.name(), f.categories() == null ? "–" : String.join(", ", f.categories())));
            }
        }
        return rows;
    }

    /**
     * A row's top attributions in words, one a line ("worst_area = 1024: −0.130"), then those of
     * marked features further down with their rank ("marked: site = B: +0.012 (#14)").
     */
    static String attributions(Report.Row row) {
        if (row == null || row.topAttributions().isEmpty()) {
            return "map no longer stored";
        }
        List<String> lines = new ArrayList<>();
        row.topAttributions().forEach(a -> lines.add(attribution(a)));
        row.markedAttributions().forEach(a -> lines.add("marked: " + attribution(a) + " (#" + a.rank() + ")"));
        return String.join("\n", lines);
    }

    private static String attribution(Report.Attribution a) {
        return a.feature() + " = " + cell(a.value()) + ": "
                + String.format(Locale.ROOT, "%+.3f", a.attribution()).replace('-', '−');
    }

    /** A row's marked feature sets in words: "shortcut: site; relevant: worst_area, mean_radius", or "none marked". */
    static String featureSets(Report.Row row) {
        if (row == null || row.featureSets().isEmpty()) {
            return "none marked";
        }
        return row.featureSets().stream().map(f -> f.kind() + ": " + String.join(", ", f.features()))
                .collect(Collectors.joining("; "));
    }

    private static String cell(Object value) {
        if (value == null) {
            return "–";
        }
        if (value instanceof Number n && !(value instanceof Long || value instanceof Integer)) {
            return new BigDecimal(n.doubleValue()).round(new MathContext(4)).stripTrailingZeros().toPlainString();
        }
        return String.valueOf(value);
    }

    private static String model(Report r, long id) {
        return ReportProse.label(r.models(), id);
    }

    /** The report at a glance: scope, models, verdicts, rounds, chain. */
    private static List<List<Object>> summary(Report r) {
        List<List<Object>> rows = new ArrayList<>();
        rows.add(row("Scope", r.scope().description()));
        rows.add(row("Models", r.models().isEmpty() ? "none" : r.models().stream().map(m -> ModelVersion.label(m.name(), m.version())
                + accuracy(m)).collect(Collectors.joining(", "))));
        long accepted = r.verdicts().stream().filter(v -> v.verdict().equals("accept")).count();
        long rejected = r.verdicts().stream().filter(v -> v.verdict().equals("reject")).count();
        rows.add(row("Verdicts", r.verdicts().size() + " (" + accepted + " accepted, " + rejected + " rejected, "
                + (r.verdicts().size() - accepted - rejected) + " unsure) by "
                + r.reviewers().stream().filter(x -> x.verdicts() > 0).count() + " reviewer(s); "
                + r.overrides().size() + " changed or undone"));
        List<Report.Round> done = r.rounds().stream().filter(x -> x.testAccuracy() != null).toList();
        rows.add(row("Feedback rounds", done.isEmpty() ? r.rounds().size() + " (none finished)" : done.size()
                + " finished; test accuracy " + (done.get(0).startTestAccuracy() == null ? ""
                : pct(done.get(0).startTestAccuracy()) + " → ") + pct(done.get(done.size() - 1).testAccuracy())
                + " after " + or(done.get(done.size() - 1).reviewed()) + " reviewed samples"));
        rows.add(row("Audit chain", (r.audit().valid() ? "intact" : "BROKEN at event " + r.audit().firstBrokenSeq())
                + ", " + r.audit().events() + " events, head " + r.audit().headHash()));
        return rows;
    }

    private static String accuracy(Report.Model m) {
        if (m.training() == null) {
            return " (uploaded)";
        }
        JsonNode test = ModelFacts.JSON.valueToTree(m.training()).path("accuracy").path("test");
        return test.isNumber() ? " (test accuracy " + pct(test.asDouble()) + ")" : "";
    }

    /** A JSON object as rows a person reads: dotted keys, numbers to four digits, long lists cut. */
    private static void readable(String prefix, JsonNode node, List<List<Object>> rows) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> readable(prefix + e.getKey() + ".", e.getValue(), rows));
            return;
        }
        String key = prefix.substring(0, prefix.length() - 1);
        if (node.isArray()) {
            List<String> items = new ArrayList<>();
            for (JsonNode item : node) {
                if (item.isContainerNode()) {
                    items.add(item.toString());
                } else {
                    items.add(value(item));
                }
            }
            String joined = String.join(", ", items.subList(0, Math.min(12, items.size())));
            rows.add(row(key, items.size() > 12 ? joined + ", … (" + items.size() + " in all)" : joined));
        } else {
            rows.add(row(key, value(node)));
        }
    }

    private static String value(JsonNode v) {
        if (v.isIntegralNumber()) {
            return v.asText();
        }
        if (v.isNumber()) {
            return new BigDecimal(v.asDouble()).round(new MathContext(4)).stripTrailingZeros()
                    .toPlainString();
        }
        return v.isNull() ? "–" : v.asText();
    }

    private void heading(int level, String text) {
        blocks.add(new Heading(level, text));
    }

    private void para(String text) {
        if (text != null && !text.isBlank()) {
            blocks.add(new Paragraph(text));
        }
    }

    private void status(boolean good, String text) {
        blocks.add(new Status(good, text));
    }

    private void table(List<String> head, List<List<Object>> rows) {
        table(head, rows, "None.");
    }

    /** A table, or {@code whenEmpty} in its place when it has no rows (nothing when that is blank). */
    private void table(List<String> head, List<List<Object>> rows, String whenEmpty) {
        if (rows.isEmpty()) {
            para(whenEmpty);
        } else {
            blocks.add(new Table(head, rows));
        }
    }

    private void figures(List<Figure> figures, boolean small) {
        if (!figures.isEmpty()) {
            blocks.add(new Figures(figures, small));
        }
    }

    /** A sample's painted masks in words: "relevant 120 px, shortcut 16 px", or "none painted". */
    static String masks(Report.MaskAreas m) {
        List<String> parts = new ArrayList<>();
        if (m.relevantPixels() > 0) {
            parts.add("relevant " + m.relevantPixels() + " px");
        }
        if (m.shortcutPixels() > 0) {
            parts.add("shortcut " + m.shortcutPixels() + " px");
        }
        return parts.isEmpty() ? "none painted" : String.join(", ", parts);
    }

    /** Times in tables: UTC (the report says so once), to the second. */
    static String time(Instant t) {
        return t == null ? "" : AuditChain.time(t).substring(0, 19).replace('T', ' ');
    }

    static String num(Double d) {
        return d == null ? "–" : String.format(Locale.ROOT, "%.3f", d);
    }

    static String num(double d) {
        return String.format(Locale.ROOT, "%.3f", d);
    }

    static String pct(Double d) {
        return d == null ? "–" : String.format(Locale.ROOT, "%.1f %%", 100 * d);
    }

    static List<Object> row(Object... cells) {
        return Arrays.asList(cells);
    }

    static Object or(Object o) {
        return o == null ? "–" : o;
    }
}
