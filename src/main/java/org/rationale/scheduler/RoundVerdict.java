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
        if (unknown(parent) || unknown(trained)) {
            return stored(NOT_COMPARED, parent, trained, controls);
        }
        Double spread = spread(parent, controls);
        double gain = rounded(trained - parent);
        String code = gain < 0 ? WORSE : gain > (spread == null ? 0 : spread) ? BETTER : NO_BETTER;
        return stored(code, parent, trained, controls);
    }

    /**
     * The words of a verdict already judged (read back from the database, whose accuracies are
     * 4-byte floats): the code stays what was decided, the figures only describe it.
     */
    public static RoundVerdict stored(String code, Double parent, Double trained, List<Double> controls) {
        if (code.equals(NOT_COMPARED) || unknown(parent) || unknown(trained)) {
            return new RoundVerdict(NOT_COMPARED, "not compared with its parent: "
                    + (unknown(trained) ? "the project has no test samples" : "the parent's test accuracy is unknown"),
                    null);
        }
        Double spread = spread(parent, controls);
        String alone = spread == null ? "retraining alone: not measured" : "retraining alone: ±" + points(spread);
        double gain = rounded(trained - parent);
        if (code.equals(WORSE)) {
            return new RoundVerdict(WORSE, "WORSE than its parent (" + percent(trained) + " vs " + percent(parent)
                    + "; " + alone + ")", spread);
        }
        if (code.equals(BETTER)) {
            return new RoundVerdict(BETTER, "better than its parent by " + points(gain) + " points (" + alone + ")", spread);
        }
        return new RoundVerdict(NO_BETTER, (spread == null ? "no better than its parent (" : "no better than retraining alone (")
                + percent(trained) + " vs " + percent(parent) + "; " + alone + ")", spread);
    }

    /** The largest distance of a control's accuracy from the parent's; null without controls. */
    private static Double spread(double parent, List<Double> controls) {
        if (controls == null || controls.isEmpty()) {
            return null;
        }
        double s = 0;
        for (double c : controls) {
            s = Math.max(s, Math.abs(rounded(c - parent)));
        }
        return s;
    }

    /**
     * Accuracies are shares of one test split (multiples of 1/N, stored as 4-byte floats): gain and
     * spread are rounded alike to 1e-5, so a tie stays a tie whatever the float noise.
     */
    private static double rounded(double difference) {
        return Math.round(difference * 1e5) / 1e5;
    }

    private static boolean unknown(Double accuracy) {
        return accuracy == null || accuracy.isNaN();
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
