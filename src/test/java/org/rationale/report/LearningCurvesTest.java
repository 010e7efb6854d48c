package org.rationale.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one computation of the learning curves that the rounds page and the report both draw. */
class LearningCurvesTest {

    @Test
    void theAccuracyCurveStartsAtTheFirstReviewedModelWhenItsAccuracyIsKnown() {
        List<LearningCurves.Curve> curves = LearningCurves.curves(List.of(
                new LearningCurves.Point(0, 20, 0.6, 0.4, 0.5),
                new LearningCurves.Point(20, null, null, null, 0.6),
                new LearningCurves.Point(20, 20, 0.8, 0.1, 0.6)));
        assertEquals(List.of("accuracy", "shortcut"), curves.stream().map(LearningCurves.Curve::id).toList());
        assertArrayEquals(new double[] {0, 20, 40}, curves.get(0).x());
        assertArrayEquals(new double[] {50, 60, 80}, curves.get(0).y(), 1e-9);
        assertArrayEquals(new double[] {20, 40}, curves.get(1).x());
        assertArrayEquals(new double[] {0.4, 0.1}, curves.get(1).y());
    }

    @Test
    void eachRoundAddsOnlyItsOwnReviewsToTheAxisAndTheFirstStartsAtZero() {
        // round 1 reviewed 24 training samples, round 2 reviewed 16: the curve runs 0 → 24 → 40
        List<LearningCurves.Curve> curves = LearningCurves.curves(List.of(
                new LearningCurves.Point(0, 24, 0.7, 0.3, 0.75),
                new LearningCurves.Point(24, 16, 0.8, 0.2, 0.7)));
        assertArrayEquals(new double[] {0, 24, 40}, curves.get(0).x());
        assertArrayEquals(new double[] {24, 40}, curves.get(1).x());
    }

    @Test
    void oneMeasuredShortcutIsNoCurveAndNoFinishedRoundNoPlot() {
        List<LearningCurves.Curve> curves = LearningCurves.curves(List.of(new LearningCurves.Point(0, 10, 0.7, 0.3, null)));
        assertEquals(1, curves.size());
        assertArrayEquals(new double[] {10}, curves.get(0).x());
        assertTrue(LearningCurves.curves(List.of(new LearningCurves.Point(0, null, null, null, 0.5))).isEmpty());
    }
}
