package org.rationale.saliency;

import org.junit.jupiter.api.Test;
import org.rationale.explain.ExplainableModel;
import org.rationale.explain.InputBatch;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class BatchesTest {

    @Test
    void chunksAreAsEvenAsTheirCountAllows() {
        assertEquals(16, Batches.evenChunk(32, 27), "32 rows at most 27 at a time: 16 + 16");
        assertEquals(22, Batches.evenChunk(64, 27), "64 rows: 22 + 22 + 20");
        assertEquals(27, Batches.evenChunk(27, 27));
        assertEquals(5, Batches.evenChunk(5, 256));
        assertEquals(1, Batches.evenChunk(0, 27));
        assertEquals(1, Batches.evenChunk(9, 0));
    }

    @Test
    void eachChunkChoosesItsTargetsFromItsOwnLogitsAtItsOwnRows() {
        AnalyticModels.Linear model = new AnalyticModels.Linear(1, 4, 4, 3, 5); // at most 7 rows a call
        InputBatch x = AnalyticModels.randomInputs(17, 1, 4, 4, 9);
        List<Integer> starts = new ArrayList<>();
        int[] targets = new int[17];
        ExplainableModel.GradientResult r = Batches.gradientChoosingTargets(model, x, (start, logits) -> {
            starts.add(start);
            int[] t = new int[logits.length / 3];
            for (int j = 0; j < t.length; j++) {
                t[j] = (start + j) % 3;
                targets[start + j] = t[j];
            }
            return t;
        });
        assertEquals(List.of(0, 6, 12), starts, "17 rows at most 7 at a time: 6 + 6 + 5");
        assertArrayEquals(Batches.logits(model, x), r.logits(), 1e-6f);
        assertArrayEquals(Batches.gradient(model, x, targets), r.gradient(), 1e-6f);
    }
}
