package org.rationale.ui;

import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The parts of a scheduler score as a page shows them, in the order given: "disagreement 0.42 · concentration 0.42 · entropy 0.10". */
public final class ScoreBreakdown {

    private ScoreBreakdown() {
    }

    public static String of(Map<String, Double> components) {
        return components.entrySet().stream().filter(e -> e.getValue() != null)
                .map(e -> e.getKey() + " " + String.format(Locale.US, "%.2f", e.getValue()))
                .collect(Collectors.joining(" · "));
    }
}
