package org.rationale.saliency;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MapSignalTest {

    @Test
    void anAllZeroMapHasNoSignal() {
        assertEquals(Optional.of("every value is zero"), MapSignal.missing(new float[9], 0, 9));
        assertEquals(Optional.of("every value is zero"), MapSignal.missing(0, 0));
    }

    @Test
    void valuesTooSmallForFloat16AreZeroOnceStored() {
        float[] tiny = {1e-9f, -2e-9f, 3e-9f, 0f};
        assertEquals(Optional.of("every value is zero"), MapSignal.missing(tiny, 0, tiny.length));
    }

    @Test
    void aConstantMapHasNoSignal() {
        float[] constant = {0.25f, 0.25f, 0.25f, 0.25f};
        assertEquals(Optional.of("every value is the same (0.250)"), MapSignal.missing(constant, 0, 4));
        // within float16 rounding of each other: still constant
        assertTrue(MapSignal.missing(-3.0, -3.001).isPresent());
    }

    @Test
    void aNormalMapHasSignal() {
        float[] map = {0f, 0.1f, -0.4f, 2.5f, 0.02f, 0f};
        assertEquals(Optional.empty(), MapSignal.missing(map, 0, map.length));
        // one pixel of signal among zeros is signal
        assertEquals(Optional.empty(), MapSignal.missing(0, 1e-3));
        // a spread of 1 % is far beyond float16 rounding
        assertEquals(Optional.empty(), MapSignal.missing(1.0, 1.01));
    }

    @Test
    void onlyTheGivenSampleOfABatchIsJudged() {
        float[] batch = {0f, 0f, 0f, 1f, 2f, 3f};
        assertTrue(MapSignal.missing(batch, 0, 3).isPresent());
        assertEquals(Optional.empty(), MapSignal.missing(batch, 3, 3));
    }
}
