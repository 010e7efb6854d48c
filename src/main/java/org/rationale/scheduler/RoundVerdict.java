package org.rationale.scheduler;

import java.util.List;
import java.util.Locale;

/**
 * How a round's retrained version compares with its parent on the test split, against the spread
 * that retraining alone causes (the largest distance of a control's accuracy from the parent's):
 * {@code better} when it gains more than that spread, {@code no-better} when it is not worse but
 * gains no more than retraining alone, {@code worse} when it is below its parent, and
 * {@code not-compared} when an accuracy is unknown. Only a version that is not worse becomes the
 * project's current one.
 *
 * @param spread the ± of retraining alone, as a fraction; null without controls
 */
public record RoundVerdict(String code, String words, Double spread) {

    public static final String BETTER = "better";
    public static final String NO_BETTER = "no-better";
    public static final String WORSE = "worse";
    public static final String NOT_COMPARED = "not-compared";

    /** The verdict on a retrained version of this test accuracy, its parent's and its controls'. */
    public static RoundVerdict of(Double parent, Double trained, List<Double> controls) {
        if (parent == null || trained == null || parent.isNaN() || trained.isNaN()) {
            return new RoundVerdict(NOT_COMPARED, "not compared with its parent: "
                    + (trained == null || trained.isNaN() ? "the project has no test samples" : "the parent's test accuracy is unknown"),
                    null);
        }
        Double spread = null;
        if (controls != null && !controls.isEmpty()) {
            double s = 0;
            for (double c : controls) {
                s = Math.max(s, Math.abs(c - parent));
            }
            spread = s;
        }
        String alone = spread == null ? "retraining alone: not measured" : "retraining alone: ±" + points(spread);
        // accuracies are shares of one test split: compare counts, not float noise
        double gain = Math.round((trained - parent) * 1e6) / 1e6;
        if (gain < 0) {
            return new RoundVerdict(WORSE, "WORSE than its parent (" + percent(trained) + " vs " + percent(parent)
                    + "; " + alone + ")", spread);
        }
        if (gain > (spread == null ? 0 : spread)) {
            return new RoundVerdict(BETTER, "better than its parent by " + points(gain) + " points (" + alone + ")", spread);
        }
        return new RoundVerdict(NO_BETTER, (spread == null ? "no better than its parent (" : "no better than retraining alone (")
                + percent(trained) + " vs " + percent(parent) + "; " + alone + ")", spread);
    }

    /** Whether the version may become the project's current one: it is not below its parent (or could not be compared). */
    public boolean keepsUp() {
        return !code.equals(WORSE);
    }

    private static String points(double fraction) {
        return String.format(Locale.ROOT, "%.1f", fraction * 100);
    }

    private static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.1f %%", fraction * 100);
    }
}
