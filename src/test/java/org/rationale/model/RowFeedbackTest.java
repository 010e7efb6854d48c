package org.rationale.model;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Feedback on rows holds the features marked on any row against every row of every batch: a
 * batch's counterexamples are one per batch row (not per marked row), each differing from its row
 * only in the marked inputs, which come from another row; the penalty covers the batch's own rows.
 */
class RowFeedbackTest {

    static final int F = 3;
    /** Six rows; row i is (i, 10 + i, 100 + i), label i % 2. */
    static final float[] X = new float[6 * F];
    static final int[] LABELS = new int[6];

    static {
        for (int i = 0; i < 6; i++) {
            X[i * F] = i;
            X[i * F + 1] = 10 + i;
            X[i * F + 2] = 100 + i;
            LABELS[i] = i % 2;
        }
    }

    /** Feature 2 marked on row 0 only. */
    static RowFeedback markedOnRowZero(Feedback.Mode mode) {
        return RowFeedback.of(mode, 10, F, List.of(new RowFeedback.Example(0, new float[] {0, 0, 1})));
    }

    @Test
    void aFeatureMarkedOnOneRowGivesEveryBatchRowACounterexample() {
        int[] batch = {3, 4, 5};
        float[] before = X.clone();
        TabularTrainer.FeedbackRows fb = TabularTrainer.feedbackRows(F, X, LABELS,
                markedOnRowZero(Feedback.Mode.COUNTEREXAMPLES), batch, new Random(1));
        assertNull(fb.originals(), "no penalty without RRR");
        assertEquals(3, fb.labels().length, "one counterexample per batch row");
        for (int i = 0; i < batch.length; i++) {
            int row = batch[i];
            assertEquals(row, fb.rows()[i * F], "unmarked inputs are the row's own");
            assertEquals(10 + row, fb.rows()[i * F + 1]);
            float drawn = fb.rows()[i * F + 2];
            int donor = Math.round(drawn - 100);
            assertTrue(donor >= 0 && donor < 6, "the marked input is another training row's: " + drawn);
            assertNotEquals(row, donor, "drawn from another row than the batch row itself");
            assertEquals(LABELS[row], fb.labels()[i], "label kept");
        }
        assertArrayEquals(before, X, "the training rows are not changed");
    }

    @Test
    void thePenaltyCoversTheBatchRowsUnderTheUnionOfTheMarks() {
        RowFeedback feedback = RowFeedback.of(Feedback.Mode.RRR, 10, F, List.of(
                new RowFeedback.Example(0, new float[] {0, 0, 1}), new RowFeedback.Example(1, new float[] {1, 0, 0})));
        assertArrayEquals(new float[] {1, 0, 1}, feedback.shortcut());
        int[] batch = {5, 2};
        TabularTrainer.FeedbackRows fb = TabularTrainer.feedbackRows(F, X, LABELS, feedback, batch, new Random(1));
        assertEquals(2, fb.originals().n());
        assertArrayEquals(new float[] {5, 15, 105, 2, 12, 102}, fb.originals().values());
        assertArrayEquals(new float[] {1, 0, 1, 1, 0, 1}, fb.masks());
        assertEquals(0, fb.labels().length, "RRR alone adds no rows to the cross-entropy");
    }

    @Test
    void bothGivesThePenaltyAndOneCounterexamplePerRow() {
        TabularTrainer.FeedbackRows fb = TabularTrainer.feedbackRows(F, X, LABELS, markedOnRowZero(Feedback.Mode.BOTH),
                new int[] {1, 2, 3, 4}, new Random(7));
        assertEquals(4, fb.originals().n());
        assertEquals(4, fb.labels().length);
    }

    @Test
    void noMarkOrNoModeIsNoFeedback() {
        assertNull(TabularTrainer.feedbackRows(F, X, LABELS, RowFeedback.NONE, new int[] {0}, new Random(1)));
        RowFeedback unmarked = RowFeedback.of(Feedback.Mode.RRR, 10, F,
                List.of(new RowFeedback.Example(0, new float[] {0, 0, 0})));
        assertFalse(unmarked.active());
        assertNull(TabularTrainer.feedbackRows(F, X, LABELS, unmarked, new int[] {0}, new Random(1)));
        assertFalse(markedOnRowZero(Feedback.Mode.NONE).active());
    }

    @Test
    void refusesAMaskOfAnotherWidthAndALambdaOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> RowFeedback.of(Feedback.Mode.RRR, 10, F,
                List.of(new RowFeedback.Example(0, new float[] {1, 0}))));
        assertThrows(org.rationale.error.Invalid.class, () -> RowFeedback.of(Feedback.Mode.RRR, -1, F, List.of()));
        assertThrows(org.rationale.error.Invalid.class, () -> RowFeedback.of(Feedback.Mode.RRR, Double.NaN, F, List.of()));
    }
}
