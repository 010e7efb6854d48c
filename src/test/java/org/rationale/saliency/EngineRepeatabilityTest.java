package org.rationale.saliency;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A comparison that fails once and passes when run again is the host's glitch: skipped, never passed or failed. */
class EngineRepeatabilityTest {

    @AfterEach
    void forgetTheFakedGlitch() {
        EngineRepeatability.forget();
    }

    @Test
    void aFailureThatDoesNotRepeatIsSkippedWithTheReason() {
        AtomicInteger runs = new AtomicInteger();
        TestAbortedException e = assertThrows(TestAbortedException.class, () -> EngineRepeatability.checkOrSkip(() -> {
            if (runs.incrementAndGet() == 1) {
                throw new AssertionError("gap did not shrink");
            }
        }, () -> new float[] {1}));
        assertEquals(2, runs.get());
        assertTrue(e.getMessage().contains("gap did not shrink"), e.getMessage());
    }

    @Test
    void aCheckThatPassesRunsOnce() {
        AtomicInteger runs = new AtomicInteger();
        EngineRepeatability.checkOrSkip(runs::incrementAndGet, () -> new float[] {1});
        assertEquals(1, runs.get());
    }
}
