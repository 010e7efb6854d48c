package org.rationale.ui.review;

import org.junit.jupiter.api.Test;
import org.rationale.saliency.SaliencyMap;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class MapWarningTest {

    private static SaliencyMap map(String noSignal, String selfCheck) {
        return new SaliencyMap(1, 2, 3, "grad-cam", Map.of(), 0, "T-shirt", List.of(1, 2, 2), new float[4], Map.of(), 8,
                noSignal, selfCheck);
    }

    @Test
    void aMapWithoutSignalTellsTheExpertToJudgeByAnotherMethod() {
        assertEquals("This map has no signal: every value is zero. It points at nothing; judge this sample by another "
                + "method (occlusion, say).", ReviewSession.warning(map("every value is zero", null)));
    }

    @Test
    void aFlaggedMapSaysItMayBeWrong() {
        assertEquals("This map may be wrong: computed twice, it came out different. Judge this sample by another "
                + "method (occlusion, say), and tell the project's engineer: the worker that computed it stopped.",
                ReviewSession.warning(map(null, "computed twice, it came out different")));
    }

    @Test
    void aNormalMapHasNoWarning() {
        assertNull(ReviewSession.warning(map(null, null)));
    }
}
