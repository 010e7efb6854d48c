package org.rationale.model;

import org.junit.jupiter.api.Test;
import org.rationale.explain.ExplainableModel;
import org.rationale.explain.InputBatch;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The prediction and the gradient of the predicted class from one forward pass equal the two passes' answers. */
class OnePassGradientTest {

    private static final InputSpec SPEC = new InputSpec("one-pass", 1, 28, 28, 1.0 / 255, List.of(0.0), List.of(1.0),
            List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"));

    @Test
    void logitsChooseTheTargetsOfTheirOwnBackwardPass() {
        try (TrainedCnnModel model = TrainedCnnModel.initialised(SPEC)) {
            Random r = new Random(7);
            float[] v = new float[5 * 784];
            for (int i = 0; i < v.length; i++) {
                v[i] = r.nextFloat();
            }
            InputBatch x = new InputBatch(5, 1, 28, 28, v);
            int[][] chosen = new int[1][];
            ExplainableModel.GradientResult once = model.gradientChoosingTargets(x, logits -> {
                chosen[0] = argmax(logits, 10);
                return chosen[0];
            });
            float[] logits = model.logits(x);
            assertArrayEquals(logits, once.logits(), 1e-5f);
            assertArrayEquals(argmax(logits, 10), chosen[0], "the targets come from the pass's own logits");
            assertArrayEquals(model.gradient(x, chosen[0]).gradient(), once.gradient(), 1e-6f);
            assertEquals(5 * 784, once.gradient().length);
        }
    }

    private static int[] argmax(float[] logits, int classes) {
        int[] out = new int[logits.length / classes];
        for (int i = 0; i < out.length; i++) {
            for (int k = 1; k < classes; k++) {
                out[i] = logits[i * classes + k] > logits[i * classes + out[i]] ? k : out[i];
            }
        }
        return out;
    }
}
