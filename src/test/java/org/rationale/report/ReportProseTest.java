package org.rationale.report;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The report prose read from the resource files, with every placeholder filled. */
class ReportProseTest {

    @Test
    void theEuAiActArticlesCarryTheReportsNumbers() {
        List<Report.Regulation> r = ReportProse.regulation(new Report.AuditStatus(false, 42, 7L, "abc", 42L, 5), 10, 2, 1);
        assertEquals(List.of("Art. 12", "Art. 13", "Art. 14"), r.stream().map(Report.Regulation::article).toList());
        assertTrue(r.get(0).evidence().contains("Chain: 42 events, BROKEN at event 7, head abc. Sections:"));
        assertTrue(r.get(2).evidence().startsWith("1 reviewer gave 10 verdicts on the model's rationales"));
        assertTrue(r.get(2).evidence().contains("changed or undid 2 of them"));
        assertTrue(ReportProse.regulation(new Report.AuditStatus(true, 1, null, "h", 1L, 1), 0, 0, 2).get(2).evidence()
                .startsWith("2 reviewers gave 0 verdicts"));
        r.forEach(x -> assertFalse((x.title() + x.requirement() + x.evidence()).contains("{"), x.toString()));
    }

    @Test
    void theLimitsSayWhatWasTested() {
        List<Report.Model> models = List.of(new Report.Model(3, "m", 1, "cnn", "trained", "s", null, List.of(3L), null,
                null, null, List.of(new Report.SanityOutcome("vanilla-gradient", false, 0.9, 0.5, 10, "failed", null),
                new Report.SanityOutcome("grad-cam", false, 0.0, 0.5, 10, "inconclusive",
                        "8 of 8 maps under the trained model have no signal (every value is zero)"))));
        List<Report.Method> methods = List.of(new Report.Method(3, "integrated-gradients", "{\"baseline\":\"black\"}", 4,
                0.5, 0.6, 2, 0.3, 0.4, "failed", 0, 0));
        List<Report.Limit> limits = ReportProse.limits(models, methods);
        assertEquals(List.of("No causal guarantee", "Baseline sensitivity", "Gradient saturation",
                "Plausible maps from random models"), limits.stream().map(Report.Limit::limit).toList());
        assertEquals(List.of(false, false, true, true), limits.stream().map(Report.Limit::tested).toList());
        assertTrue(limits.get(3).evidence().startsWith("Model-parameter randomisation checks: 0 of 2 passed. "
                + "vanilla-gradient on m v1: FAILED (similarity to the randomised model"));
        assertTrue(limits.get(3).evidence().contains("grad-cam on m v1: inconclusive, neither passed nor failed "
                + "(8 of 8 maps under the trained model have no signal (every value is zero))"), limits.get(3).evidence());
        assertTrue(limits.get(2).evidence().contains("integrated-gradients on m v1: mean completeness gap"));
        assertEquals("No model-parameter randomisation check was run on these models.",
                ReportProse.limits(List.of(), List.of()).get(3).evidence());
        assertTrue(ReportProse.schedulerExplanation().startsWith("Samples reach reviewers in the order of the scheduler's"));
    }

    @Test
    void onTableRowsTheProseSpeaksOfFeaturesAndRowsNotOfPixelsImagesOrPaintedRegions() {
        List<String> texts = new ArrayList<>();
        ReportProse.regulation(new Report.AuditStatus(true, 3, null, "h", 3L, 3), 5, 0, 1, true)
                .forEach(r -> texts.add(r.requirement() + " " + r.evidence()));
        ReportProse.limits(List.of(), List.of(), true).forEach(l -> texts.add(l.explanation() + " " + l.evidence()));
        texts.add(ReportProse.schedulerExplanationOnRows());
        for (String text : texts) {
            String lower = text.toLowerCase(Locale.ROOT);
            for (String word : List.of("pixel", "paint", "image", "black", "blurred", "7x7")) {
                assertFalse(lower.contains(word), word + " in: " + text);
            }
            assertFalse(text.contains("{"), text);
        }
        assertTrue(texts.get(2).contains("feature sets"), texts.get(2));
        assertTrue(ReportProse.schedulerExplanationOnRows().contains("top 2 % of features"));
        assertTrue(ReportProse.regulation(new Report.AuditStatus(true, 3, null, "h", 3L, 3), 5, 0, 1, false).get(2)
                .evidence().contains("painted relevant and shortcut regions"), "images keep their wording");
        assertTrue(ReportProse.limits(List.of(), List.of(), false).get(1).explanation().contains("black"));
    }
}
