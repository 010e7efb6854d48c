package org.rationale.report;

import org.rationale.model.ModelVersion;
import org.rationale.saliency.SanityCheck;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The report's prose that is not layout: the EU AI Act mapping, the known limits of saliency and
 * the scheduler's explanation (each with its wording for table rows where images' differs), read once from {@code src/main/resources/report/*.properties} and
 * filled in with the report's numbers ({@code {name}} placeholders).
 */
public final class ReportProse {

    private static final Properties EU_AI_ACT = load("report/eu-ai-act.properties");
    private static final Properties LIMITS = load("report/limits.properties");
    private static final Properties SCHEDULER = load("report/scheduler.properties");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z]+)}");

    private ReportProse() {
    }

    /** A version among the report's models as people know it ("small-cnn v2"); another one by its id. */
    static String label(List<Report.Model> models, long id) {
        return models.stream().filter(m -> m.id() == id).findFirst()
                .map(m -> ModelVersion.label(m.name(), m.version())).orElse("model #" + id);
    }

    /** How the scheduler chose the samples, in words. */
    public static String schedulerExplanation() {
        return text(SCHEDULER, "explanation", Map.of());
    }

    /** How the scheduler chose the samples, in words, for a project of table rows (features, not pixels). */
    public static String schedulerExplanationOnRows() {
        return text(SCHEDULER, "explanation.rows", Map.of());
    }

    /** The known limits of saliency, each with what this report's models and methods show of it. */
    public static List<Report.Limit> limits(List<Report.Model> models, List<Report.Method> methods) {
        return limits(models, methods, false);
    }

    /**
     * The known limits of saliency, each with what this report's models and methods show of it; on
     * table rows ({@code rows}) explained in terms of features, baselines of rows and attributions.
     */
    public static List<Report.Limit> limits(List<Report.Model> models, List<Report.Method> methods, boolean rows) {
        List<String> checked = new ArrayList<>();
        int passed = 0;
        int total = 0;
        for (Report.Model m : models) {
            for (Report.SanityOutcome s : m.sanityChecks()) {
                total++;
                if (s.passed()) {
                    passed++;
                }
                String model = ModelVersion.label(m.name(), m.version());
                if (SanityCheck.INCONCLUSIVE.equals(s.verdict())) {
                    checked.add(text(LIMITS, "randomisation.inconclusive", Map.of("method", s.method(), "model", model,
                            "why", s.noSignal() == null ? "its maps had no signal" : s.noSignal())));
                    continue;
                }
                checked.add(text(LIMITS, "randomisation.check", Map.of("method", s.method(), "model", model,
                        "outcome", s.passed() ? "passed" : "FAILED",
                        "similarity", String.format("%.2f", s.finalSimilarity()),
                        "threshold", String.format("%.2f", s.threshold()))));
            }
        }
        boolean igMeasured = methods.stream().anyMatch(m -> m.meanCompletenessGap() != null);
        String gaps = methods.stream().filter(m -> m.meanCompletenessGap() != null)
                .map(m -> text(LIMITS, "saturation.gap", Map.of("method", m.method(), "model", label(models, m.modelId()),
                        "gap", String.format("%.4g", m.meanCompletenessGap()))))
                .collect(Collectors.joining("; "));
        boolean baselines = methods.stream().anyMatch(m -> m.parameters().contains("baseline"));
        return List.of(
                limit("causal", rows, false, "causal.evidence", Map.of()),
                limit("baseline", rows, false, baselines ? "baseline.evidence.listed" : "baseline.evidence.none", Map.of()),
                limit("saturation", rows, igMeasured, igMeasured ? "saturation.evidence.measured"
                        : "saturation.evidence.none", Map.of("gaps", gaps)),
                limit("randomisation", rows, total > 0, total == 0 ? "randomisation.evidence.none"
                        : "randomisation.evidence.run",
                        Map.of("passed", passed, "total", total, "checks", String.join("; ", checked))));
    }

    private static Report.Limit limit(String key, boolean rows, boolean tested, String evidence, Map<String, ?> values) {
        return new Report.Limit(text(LIMITS, key + ".limit", Map.of()), text(LIMITS, onRows(LIMITS, key + ".explanation",
                rows), Map.of()), tested, text(LIMITS, evidence, values));
    }

    /** The key's ".rows" variant on table rows where the prose has one, else the key. */
    private static String onRows(Properties prose, String key, boolean rows) {
        return rows && prose.getProperty(key + ".rows") != null ? key + ".rows" : key;
    }

    /** How the report answers each article of the EU AI Act, with this report's numbers. */
    public static List<Report.Regulation> regulation(Report.AuditStatus status, int verdicts, int overrides,
                                                     int reviewers) {
        return regulation(status, verdicts, overrides, reviewers, false);
    }

    /**
     * How the report answers each article of the EU AI Act, with this report's numbers; on table
     * rows ({@code rows}) human oversight speaks of marked feature sets, not painted regions.
     */
    public static List<Report.Regulation> regulation(Report.AuditStatus status, int verdicts, int overrides,
                                                     int reviewers, boolean rows) {
        Map<String, ?> values = Map.of(
                "events", status.events(),
                "chain", status.valid() ? text(EU_AI_ACT, "chain.intact", Map.of())
                        : text(EU_AI_ACT, "chain.broken", Map.of("firstBrokenSeq", String.valueOf(status.firstBrokenSeq()))),
                "head", status.headHash(),
                "reviewers", text(EU_AI_ACT, reviewers == 1 ? "reviewer" : "reviewers", Map.of("count", reviewers)),
                "verdicts", verdicts,
                "overrides", overrides);
        List<Report.Regulation> out = new ArrayList<>();
        for (String a : Arrays.stream(EU_AI_ACT.getProperty("articles").split(",")).map(String::strip).toList()) {
            out.add(new Report.Regulation(text(EU_AI_ACT, a + ".article", values), text(EU_AI_ACT, a + ".title", values),
                    text(EU_AI_ACT, a + ".requirement", values), text(EU_AI_ACT, onRows(EU_AI_ACT, a + ".evidence", rows),
                    values)));
        }
        return List.copyOf(out);
    }

    /** A text of a prose file with its placeholders filled; a missing key or value is a programming error. */
    private static String text(Properties prose, String key, Map<String, ?> values) {
        String template = prose.getProperty(key);
        if (template == null) {
            throw new IllegalStateException("Report prose '" + key + "' is missing");
        }
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            Object value = values.get(m.group(1));
            if (value == null && !values.containsKey(m.group(1))) {
                throw new IllegalStateException("Report prose '" + key + "' names {" + m.group(1) + "}, which is not given");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(String.valueOf(value)));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static Properties load(String resource) {
        try (InputStream in = ReportProse.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Report prose " + resource + " is missing from the classpath");
            }
            Properties p = new Properties();
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + resource, e);
        }
    }
}
