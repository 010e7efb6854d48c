package org.rationale.scheduler;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The verdict on a round's retraining, in words, from accuracies known in advance. */
class RoundVerdictTest {

    @Test
    void aGainBeyondWhatRetrainingAloneMovesIsBetter() {
        RoundVerdict v = RoundVerdict.of(0.802, 0.863, List.of(0.790, 0.814));
        assertEquals(RoundVerdict.BETTER, v.code());
        assertEquals("better than its parent by 6.1 points (retraining alone: ±1.2)", v.words());
        assertEquals(0.012, v.spread(), 1e-9);
        assertTrue(v.keepsUp());
    }

    @Test
    void aGainWithinWhatRetrainingAloneMovesIsNoBetter() {
        RoundVerdict v = RoundVerdict.of(0.802, 0.810, List.of(0.815));
        assertEquals(RoundVerdict.NO_BETTER, v.code());
        assertEquals("no better than retraining alone (81.0 % vs 80.2 %; retraining alone: ±1.3)", v.words());
        assertTrue(v.keepsUp(), "not worse than its parent: it may become current");
    }

    @Test
    void anyLossAgainstTheParentIsWorseAndSaidPlainly() {
        RoundVerdict v = RoundVerdict.of(0.802, 0.744, List.of(0.797));
        assertEquals(RoundVerdict.WORSE, v.code());
        assertEquals("WORSE than its parent (74.4 % vs 80.2 %; retraining alone: ±0.5)", v.words());
        assertFalse(v.keepsUp());
        // worse even within the spread: the parent stays the better version
        assertEquals(RoundVerdict.WORSE, RoundVerdict.of(0.802, 0.801, List.of(0.79)).code());
    }

    @Test
    void withoutControlsTheSpreadIsNotMeasured() {
        RoundVerdict v = RoundVerdict.of(0.5, 0.6, List.of());
        assertEquals("better than its parent by 10.0 points (retraining alone: not measured)", v.words());
        assertNull(v.spread());
        assertEquals(RoundVerdict.NO_BETTER, RoundVerdict.of(0.5, 0.5, List.of()).code());
    }

    @Test
    void unknownAccuraciesAreNotCompared() {
        RoundVerdict noTest = RoundVerdict.of(0.5, null, List.of());
        assertEquals(RoundVerdict.NOT_COMPARED, noTest.code());
        assertEquals("not compared with its parent: the project has no test samples", noTest.words());
        assertEquals("not compared with its parent: the parent's test accuracy is unknown",
                RoundVerdict.of(null, 0.7, List.of(0.6)).words());
        assertTrue(noTest.keepsUp());
    }

    @Test
    void aControlThatReachesTheRetrainedAccuracyIsATieNotBetter() {
        // 0.803 - 0.798 and 0.803 - 0.798 in doubles: the same gain, whatever the float noise
        for (int n : new int[] {50, 200, 997, 1000}) {
            for (int k = 1; k < n; k++) {
                double parent = (double) (k - 1) / n;
                double trained = (double) k / n;
                RoundVerdict v = RoundVerdict.of(parent, trained, List.of((double) (float) trained));
                assertEquals(RoundVerdict.NO_BETTER, v.code(), k + "/" + n);
            }
        }
    }

    @Test
    void aStoredVerdictKeepsItsCodeAndOnlyItsFiguresAreReadBack() {
        // 4-byte floats read back: the words follow the stored code, never a second judgement
        RoundVerdict v = RoundVerdict.stored(RoundVerdict.NO_BETTER, (double) 0.802f, (double) 0.81f, List.of((double) 0.81f));
        assertEquals(RoundVerdict.NO_BETTER, v.code());
        assertTrue(v.words().startsWith("no better than retraining alone (81.0 % vs 80.2 %"), v.words());
        assertEquals(RoundVerdict.WORSE, RoundVerdict.stored(RoundVerdict.WORSE, 0.8, 0.7, null).code());
    }
}
