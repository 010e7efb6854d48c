package org.rationale.report;

import jakarta.enterprise.context.ApplicationScoped;
import org.rationale.model.ModelService;
import org.rationale.scheduler.RoundService;

import java.util.ArrayList;
import java.util.List;

/**
 * The learning curves of a project's finished rounds: test accuracy, and attribution on known
 * shortcuts, against reviewed samples. One computation for the rounds page and the audit report.
 */
@ApplicationScoped
public class LearningCurves {

    private final ModelService models;

    LearningCurves(ModelService models) {
        this.models = models;
    }

    /**
     * A round as the curves need it: the samples earlier rounds reviewed, the samples it reviewed
     * itself (training samples under its model), its results, and the test accuracy of the model
     * it reviewed (null when the platform did not train it), the trained model's reliance on the
     * marked regions (flip rate when they are pasted from other classes; null until measured), and
     * {@code controlAccuracy}, the mean test accuracy of its control trainings (the same retraining
     * without its new masks), if any.
     */
    public record Point(int reviewedBefore, Integer reviewed, Double testAccuracy, Double shortcutMass,
                        Double startTestAccuracy, Double relianceFlipRate, Double controlAccuracy) {

        public Point(int reviewedBefore, Integer reviewed, Double testAccuracy, Double shortcutMass,
                     Double startTestAccuracy) {
            this(reviewedBefore, reviewed, testAccuracy, shortcutMass, startTestAccuracy, null, null);
        }
    }

    /**
     * One curve: a short id (for page elements), its title, what its y axis shows, and its points;
     * {@code controlX}/{@code controlY} the rounds' controls (retraining alone), drawn dashed when any.
     */
    public record Curve(String id, String title, String yLabel, double[] x, double[] y, double[] controlX,
                        double[] controlY) {

        public Curve(String id, String title, String yLabel, double[] x, double[] y) {
            this(id, title, yLabel, x, y, new double[0], new double[0]);
        }

        /** The curve as a PNG line chart with one series named {@code seriesName} (and the controls'). */
        public byte[] png(String seriesName, int width, int height) {
            List<LearningCurvePlot.Series> series = new ArrayList<>();
            series.add(new LearningCurvePlot.Series(seriesName, x, y, false));
            if (controlX.length > 0) {
                series.add(new LearningCurvePlot.Series("retraining alone (controls)", controlX, controlY, true));
            }
            return LearningCurvePlot.png(title, "reviewed samples", yLabel, series, width, height);
        }
    }

    /** The mean of a round's control accuracies, null without any. */
    public static Double mean(List<Double> controls) {
        return controls == null || controls.isEmpty() ? null
                : controls.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    }

    /** The curves of a project's rounds as the rounds page lists them. */
    public List<Curve> of(List<RoundService.Round> rounds) {
        List<Point> points = new ArrayList<>(rounds.size());
        boolean first = true;
        for (RoundService.Round r : rounds) {
            Double start = null;
            if (first && r.testAccuracy() != null) {
                // only the first finished round's start is drawn: ask for no other model
                start = models.find(r.modelId()).map(ModelService::trainingAccuracy).map(a -> a.get("test")).orElse(null);
                first = false;
            }
            points.add(new Point(r.reviewedBefore(), r.reviewed(), r.testAccuracy(), r.shortcutMass(), start,
                    r.relianceFlipRate(), mean(r.controlAccuracies())));
        }
        return curves(points);
    }

    /**
     * The curves of finished rounds (those with a test accuracy), empty without one. The accuracy
     * curve starts at the model the first round reviewed, when the platform trained it; the
     * shortcut and reliance curves need two rounds that measured them (one point is no curve: the
     * rounds table holds it).
     */
    public static List<Curve> curves(List<Point> rounds) {
        List<Point> done = rounds.stream().filter(p -> p.testAccuracy() != null).toList();
        if (done.isEmpty()) {
            return List.of();
        }
        Point first = done.get(0);
        int offset = first.startTestAccuracy() == null ? 0 : 1;
        double[] x = new double[done.size() + offset];
        double[] y = new double[done.size() + offset];
        if (offset == 1) {
            x[0] = first.reviewedBefore();
            y[0] = 100 * first.startTestAccuracy();
        }
        for (int i = 0; i < done.size(); i++) {
            x[i + offset] = reviewed(done.get(i));
            y[i + offset] = 100 * done.get(i).testAccuracy();
        }
        List<Curve> out = new ArrayList<>();
        List<Point> controlled = done.stream().filter(p -> p.controlAccuracy() != null).toList();
        out.add(new Curve("accuracy", "Test accuracy against reviewed samples", "test accuracy %", x, y,
                controlled.stream().mapToDouble(LearningCurves::reviewed).toArray(),
                controlled.stream().mapToDouble(p -> 100 * p.controlAccuracy()).toArray()));
        List<Point> massed = done.stream().filter(p -> p.shortcutMass() != null).toList();
        if (massed.size() >= 2) {
            out.add(new Curve("shortcut", "Attribution on known shortcuts", "share of |attribution|",
                    massed.stream().mapToDouble(LearningCurves::reviewed).toArray(),
                    massed.stream().mapToDouble(Point::shortcutMass).toArray()));
        }
        List<Point> relied = done.stream().filter(p -> p.relianceFlipRate() != null).toList();
        if (relied.size() >= 2) {
            out.add(new Curve("reliance", "Reliance on marked regions (by intervention)", "flip rate",
                    relied.stream().mapToDouble(LearningCurves::reviewed).toArray(),
                    relied.stream().mapToDouble(Point::relianceFlipRate).toArray()));
        }
        return out;
    }

    /** Where a round ends on the x axis: the samples reviewed by it and by the rounds before it. */
    private static double reviewed(Point p) {
        return p.reviewedBefore() + (p.reviewed() == null ? 0 : p.reviewed());
    }
}
