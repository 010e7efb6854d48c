package org.rationale.saliency;

import org.junit.jupiter.api.Test;
import org.rationale.error.Invalid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** One target rule for jobs and for maps on demand. */
class TargetsTest {

    @Test
    void blankMeansPredicted() {
        assertEquals("predicted", Targets.rule(null));
        assertEquals("predicted", Targets.rule("  "));
        assertEquals("label", Targets.rule(" label "));
        assertEquals("7", Targets.rule("7"));
    }

    @Test
    void anythingElseIsRefused() {
        Invalid e = assertThrows(Invalid.class, () -> Targets.rule("best"));
        assertEquals("Invalid target 'best'", e.error());
        assertThrows(Invalid.class, () -> Targets.rule("-1"));
        assertThrows(Invalid.class, () -> Targets.rule("1234567"));
    }

    @Test
    void resolvesPerSampleAndChecksTheRange() {
        assertEquals(4, Targets.resolve("predicted", 2, () -> 4, 10));
        assertEquals(2, Targets.resolve("label", 2, () -> { throw new AssertionError("not asked"); }, 10));
        assertEquals(9, Targets.resolve("9", 2, () -> 4, 10));
        Invalid e = assertThrows(Invalid.class, () -> Targets.resolve("10", 2, () -> 4, 10));
        assertEquals("Invalid target 10", e.error());
    }
}
