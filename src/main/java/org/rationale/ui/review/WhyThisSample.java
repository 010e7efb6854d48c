package org.rationale.ui.review;

import org.rationale.scheduler.SchedulerService;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Why the review page shows a sample, in words an expert reads ("the map puts 41 % of its weight where
 * experts marked shortcuts elsewhere; the model is 97 % confident"), from the parts of the scheduler's
 * score. The text never carries its own heading: the page labels it once.
 */
final class WhyThisSample {

    private WhyThisSample() {
    }

    /** The sentence for a sample's place in a ranked queue; {@code rows}: the sample is a table row (features, not pixels). */
    static String ranked(SchedulerService.Reason r, boolean rows) {
        Map<String, Double> c = r.components();
        List<String> parts = new ArrayList<>();
        if (c.containsKey("random")) {
            parts.add("drawn at random (the baseline strategy every other one must beat)");
        }
        Double marked = c.get("shortcutMass");
        Double elsewhere = c.get("predictedShortcutMass");
        if (marked != null) {
            parts.add("the map puts " + percent(marked) + " of its weight on the shortcut an expert marked on this sample");
        } else if (elsewhere != null) {
            parts.add("the map puts " + percent(elsewhere) + " of its weight where experts marked shortcuts elsewhere");
        }
        Double flips = c.get("relianceFlipRate");
        if (flips != null) {
            String those = rows ? "those features" : "those regions";
            parts.add(flips > 0 ? "replacing " + those + " on this sample changes the model's decision in "
                    + percent(flips) + " of the tries, although its map barely looks there"
                    : "replacing " + those + " on this sample leaves the model's decision as it is");
        }
        Double relevance = c.get("relevanceMassMiss");
        if (relevance != null) {
            parts.add(percent(relevance) + " of the map's weight lies outside what experts marked as relevant");
        }
        Double concentration = c.get("concentration");
        if (concentration != null && concentration >= 0.3) {
            // the scheduler's concentration: the share of the top 2 % of the map's values, at least one value
            parts.add(rows ? "the map is concentrated: its largest feature holds " + percent(concentration) + " of its weight"
                    : "the map is concentrated: 2 % of its pixels hold " + percent(concentration) + " of its weight");
        }
        Double entropy = c.get("entropy");
        if (entropy != null && (r.strategy().equals("uncertainty") || entropy >= 0.5)) {
            parts.add("the prediction is uncertain (" + percent(entropy) + " of the largest possible entropy)");
        }
        Double confidence = c.get("confidence");
        if (confidence != null) {
            parts.add("the model is " + percent(confidence) + " confident");
        }
        Double redFlag = c.get("redFlag");
        if (redFlag != null && redFlag > 0) {
            parts.add("confident while its map disagrees with the experts: a red flag");
        }
        Double diversity = c.get("diversity");
        if (diversity != null && diversity > 0) {
            parts.add("chosen to differ from the samples ranked before it");
        }
        String place = "#" + (r.position() + 1) + " of the " + r.strategy() + " queue";
        return capital(parts.isEmpty() ? place + "." : place + ": " + String.join("; ", parts) + ".");
    }

    private static String percent(double share) {
        return String.format(Locale.US, "%.0f %%", 100 * share);
    }

    private static String capital(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
