package org.rationale.saliency;

import org.rationale.explain.InputBatch;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

class DeletionInsertionTest {

    @Test
    void faithfulRankingDeletesFasterAndInsertsFasterThanItsReverse() {
        AnalyticModels.Linear model = new AnalyticModels.Linear(1, 8, 8, 3, 21);
        InputBatch x = AnalyticModels.randomInputs(1, 1, 8, 8, 22);
        int target = 2;
        // gradient x input is exact for a linear model with a black (zero) baseline
        float[] faithful = new float[64];
        float[] reversed = new float[64];
        for (int p = 0; p < 64; p++) {
            faithful[p] = model.weight(target, p) * x.values()[p];
            reversed[p] = -faithful[p];
        }
        Map<String, Double> good = DeletionInsertion.aucs(model, x, target, faithful, 16);
        Map<String, Double> bad = DeletionInsertion.aucs(model, x, target, reversed, 16);
        assertTrue(good.get("deletionAuc") < bad.get("deletionAuc"), good + " vs " + bad);
        assertTrue(good.get("insertionAuc") > bad.get("insertionAuc"), good + " vs " + bad);
        for (double v : good.values()) {
            assertTrue(v >= 0 && v <= 1, "AUC of a probability outside [0, 1]: " + v);
        }
    }

    @Test
    void aMapThatChangesNothingGivesFlatCurves() {
        // constant logits: the probability never moves, so both AUCs equal it
        AnalyticModels.Linear model = new AnalyticModels.Linear(1, 4, 4, 2, 1) {
            @Override
            public float[] logits(InputBatch x) {
                return new float[x.n() * 2];
            }
        };
        Map<String, Double> m = DeletionInsertion.aucs(model, AnalyticModels.randomInputs(1, 1, 4, 4, 3), 0,
                new float[16], 4);
        assertTrue(Math.abs(m.get("deletionAuc") - 0.5) < 1e-9 && Math.abs(m.get("insertionAuc") - 0.5) < 1e-9, m.toString());
    }
}
