package org.rationale.saliency;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The self-check's rule for three computations of one map: the answer two agree on is stored. */
class SelfCheckRuleTest {

    private static final float[] RIGHT = {1.0f, -0.5f, 0.25f, 0f};
    private static final float[] WRONG = {1.0f, -0.5f, 0.75f, 0f};
    private static final float[] OTHER = {1.0f, 0.5f, 0.25f, 0f};

    @Test
    void aThirdComputationThatConfirmsTheFirstKeepsIt() {
        assertSame(RIGHT, SelfCheck.settled(RIGHT, WRONG, RIGHT.clone()).orElseThrow());
    }

    @Test
    void aThirdComputationThatConfirmsTheSecondOutvotesTheFirst() {
        assertSame(RIGHT, SelfCheck.settled(WRONG, RIGHT, RIGHT.clone()).orElseThrow());
    }

    @Test
    void threeDifferentAnswersSettleNothing() {
        assertTrue(SelfCheck.settled(RIGHT, WRONG, OTHER).isEmpty());
    }

    @Test
    void answersThatDifferOnlyBelowFloat16RoundingAgree() {
        float[] close = {1.0f + 0x1p-12f, -0.5f, 0.25f, 1e-9f};
        assertTrue(SelfCheck.disagreement(RIGHT, close).isEmpty());
        assertArrayEquals(RIGHT, SelfCheck.settled(RIGHT, WRONG, close).orElseThrow());
        // a quarter of the map's largest value is far beyond rounding
        assertTrue(SelfCheck.disagreement(RIGHT, WRONG).orElseThrow().startsWith("1 of 4 values differed"));
    }
}
