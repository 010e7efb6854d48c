package org.rationale.saliency;

import org.rationale.explain.InputBatch;
import org.rationale.explain.TabularInput;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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

    private static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    @Test
    void aRowsCurvesMoveOneFeatureAStepItsOneHotColumnsTogether() {
        // two classes, logit of class 1 = 3·a + 2·b + site=A − site=B (class 0: 0), so p(1) = σ(logit)
        AnalyticModels.Linear model = new AnalyticModels.Linear(1, 1, 4, 2, 1) {
            @Override
            public float[] logits(InputBatch x) {
                float[] out = new float[x.n() * 2];
                float[] v = x.values();
                for (int i = 0; i < x.n(); i++) {
                    out[i * 2 + 1] = 3 * v[i * 4] + 2 * v[i * 4 + 1] + v[i * 4 + 2] - v[i * 4 + 3];
                }
                return out;
            }
        };
        TabularInput layout = new TabularInput(List.of("a", "b", "site"), new int[] {0, 1, 2, 2},
                new float[] {0, 0, 0.5f, 0.5f}, new float[][] {{0, 0, 0.5f, 0.5f}});
        InputBatch row = new InputBatch(1, 1, 1, 4, new float[] {1, 1, 1, 0});
        // ranked a, b, site: deletion moves the row to the mean row through logits 6, 3, 1, 0 (site's two
        // columns at once: moving site=A alone would give 0.5), insertion from it through 0, 3, 5, 6
        Map<String, Double> m = DeletionInsertion.rowAucs(model, row, 1, new float[] {3, 2, 0.5f}, layout);
        double deletion = ((sigmoid(6) + sigmoid(3)) / 2 + (sigmoid(3) + sigmoid(1)) / 2 + (sigmoid(1) + sigmoid(0)) / 2) / 3;
        double insertion = ((sigmoid(0) + sigmoid(3)) / 2 + (sigmoid(3) + sigmoid(5)) / 2 + (sigmoid(5) + sigmoid(6)) / 2) / 3;
        assertEquals(deletion, m.get("deletionAuc"), 1e-6);
        assertEquals(insertion, m.get("insertionAuc"), 1e-6);
        // the reverse ranking (site, b, a) deletes more slowly and inserts more slowly
        Map<String, Double> reversed = DeletionInsertion.rowAucs(model, row, 1, new float[] {-3, -2, -0.5f}, layout);
        assertTrue(reversed.get("deletionAuc") > m.get("deletionAuc"), reversed + " vs " + m);
        assertTrue(reversed.get("insertionAuc") < m.get("insertionAuc"), reversed + " vs " + m);
        // nothing is written into the row
        assertEquals(List.of(1f, 1f, 1f, 0f), List.of(row.values()[0], row.values()[1], row.values()[2], row.values()[3]));
        // a map of another width is refused
        assertThrows(IllegalArgumentException.class,
                () -> DeletionInsertion.rowAucs(model, row, 1, new float[] {1, 2, 3, 4}, layout));
    }
}
