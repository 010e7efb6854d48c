package org.rationale.saliency;

import org.rationale.explain.InputBatch;
import org.junit.jupiter.api.Test;
import org.rationale.error.DomainError;
import org.rationale.error.Unavailable;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A map with a NaN or an infinity is computed again, and never stored when it stays so. */
class FiniteAttributionsTest {

    private static final InputBatch SHAPE = new InputBatch(1, 1, 1, 2, new float[2]);

    @Test
    void aNonFiniteAnswerIsComputedAgain() {
        AtomicInteger calls = new AtomicInteger();
        Attribution a = FiniteAttributions.finiteOrAgain("glitchy", () -> Attribution.withoutMetrics(SHAPE,
                calls.incrementAndGet() == 1 ? new float[] {Float.NaN, 1} : new float[] {0.5f, 1}));
        assertArrayEquals(new float[] {0.5f, 1}, a.values());
        assertEquals(2, calls.get());
    }

    @Test
    void aFiniteAnswerIsComputedOnce() {
        AtomicInteger calls = new AtomicInteger();
        FiniteAttributions.finiteOrAgain("steady", () -> {
            calls.incrementAndGet();
            return Attribution.withoutMetrics(SHAPE, new float[] {0.25f, -1});
        });
        assertEquals(1, calls.get());
    }

    @Test
    void aGlitchThreeTimesInARowIsStillRecovered() {
        AtomicInteger calls = new AtomicInteger();
        Attribution a = FiniteAttributions.finiteOrAgain("glitchy", () -> Attribution.withoutMetrics(SHAPE,
                calls.incrementAndGet() < FiniteAttributions.FINITE_ATTEMPTS ? new float[] {Float.NaN, 1} : new float[] {2, 1}));
        assertArrayEquals(new float[] {2, 1}, a.values());
        assertEquals(FiniteAttributions.FINITE_ATTEMPTS, calls.get());
    }

    @Test
    void alwaysNonFiniteIsAnUnavailableErrorAfterTheLastAttempt() {
        AtomicInteger calls = new AtomicInteger();
        Unavailable e = assertThrows(Unavailable.class, () -> FiniteAttributions.finiteOrAgain("broken", () -> {
            calls.incrementAndGet();
            return Attribution.withoutMetrics(SHAPE, new float[] {Float.POSITIVE_INFINITY, 0});
        }));
        assertEquals(FiniteAttributions.FINITE_ATTEMPTS, calls.get());
        assertEquals(DomainError.Kind.UNAVAILABLE, e.kind());
    }
}
