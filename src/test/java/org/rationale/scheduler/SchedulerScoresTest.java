package org.rationale.scheduler;

import java.util.Arrays;
import java.util.Random;
import org.rationale.error.DomainError;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scheduler's parts on hand-made maps and predictions with answers worked out in advance. */
class SchedulerScoresTest {

    /** A 4×4 map, row by row. */
    private static float[] map(float... v) {
        return v;
    }

    private static byte[] mask(int... on) {
        byte[] m = new byte[16];
        for (int i : on) {
            m[i] = 1;
        }
        return m;
    }

    @Test
    void relevanceMassAccuracyIsThePositiveShareInsideTheMask() {
        float[] m = map(4, 0, 0, 0, 0, 2, 0, 0, 0, 0, -5, 0, 0, 0, 0, 2);
        // positive mass 8, of which 4 + 2 inside {0, 5}; the negative pixel does not count
        assertEquals(0.75, Localisation.relevanceMassAccuracy(m, mask(0, 5, 10)), 1e-9);
        assertEquals(0, Localisation.massInside(new float[16], mask(0)), "an empty map has no mass anywhere");
    }

    @Test
    void pointingGameHitsWhenTheMaximumIsInside() {
        float[] m = map(1, 0, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2);
        assertTrue(Localisation.pointingGameHit(m, mask(5, 6)));
        assertFalse(Localisation.pointingGameHit(m, mask(0, 15)));
    }

    @Test
    void topKIoUComparesTheMasksSizeOfTopPixels() {
        float[] m = map(9, 8, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
        assertEquals(1.0, Localisation.topKIoU(m, mask(0, 1, 2)), 1e-9);
        // top 3 = {0, 1, 2}, mask {0, 1, 15}: intersection 2, union 4
        assertEquals(0.5, Localisation.topKIoU(m, mask(0, 1, 15)), 1e-9);
        assertEquals(0, Localisation.topKIoU(m, mask()), "an empty mask matches nothing");
    }

    @Test
    void concentrationIsTheShareOfTheTopPixels() {
        float[] spread = new float[100];
        Arrays.fill(spread, 1);
        assertEquals(0.02, Localisation.concentration(spread, 0.02), 1e-9);
        float[] peaked = new float[100];
        peaked[7] = 3;
        peaked[50] = 1;
        assertEquals(0.75, Localisation.concentration(peaked, 0.01), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> Localisation.concentration(peaked, 0));
    }

    @Test
    void uncertaintyIsZeroWhenCertainAndOneWhenUniform() {
        float[] certain = {1, 0, 0, 0};
        float[] uniform = {0.25f, 0.25f, 0.25f, 0.25f};
        assertEquals(0, Uncertainty.entropy(certain), 1e-9);
        assertEquals(1, Uncertainty.entropy(uniform), 1e-6);
        assertEquals(0, Uncertainty.margin(certain), 1e-9);
        assertEquals(1, Uncertainty.margin(uniform), 1e-6);
        assertEquals(1, Uncertainty.leastConfidence(uniform), 1e-6);
        // p = (0.6, 0.3, 0.1): margin 1 - 0.3, least confidence 0.4 * 3/2
        float[] p = {0.6f, 0.3f, 0.1f};
        assertEquals(0.7, Uncertainty.margin(p), 1e-6);
        assertEquals(0.6, Uncertainty.leastConfidence(p), 1e-6);
        double h = -(0.6 * Math.log(0.6) + 0.3 * Math.log(0.3) + 0.1 * Math.log(0.1)) / Math.log(3);
        assertEquals(h, Uncertainty.entropy(p), 1e-6);
    }

    @Test
    void kCenterGreedyNeverPicksADuplicateBeforeEveryDistinctMap() {
        // three candidates share one embedding and score best; two others are distinct
        float[] scores = {0.9f, 0.9f, 0.9f, 0.5f, 0.4f};
        float[] emb = {1, 0, 1, 0, 1, 0, 0, 1, 0.5f, 0.5f};
        KCenterGreedy.Selection s = KCenterGreedy.select(scores, emb, 2, 3, 1);
        assertEquals(0, s.order()[0], "the best first");
        assertEquals(3, s.order()[1], "then the farthest with a good score, not a copy of the first");
        assertEquals(4, s.order()[2]);
        KCenterGreedy.Selection byScore = KCenterGreedy.select(scores, emb, 2, 3, 0);
        assertEquals(List.of(0, 1, 2), Arrays.stream(byScore.order()).boxed().toList(),
                "without diversity, score order");
    }

    @Test
    void disagreementIsPredictedFromShortcutsMarkedOnOtherSamples() {
        List<SampleEvidence> e = new ArrayList<>();
        float[] p = {0.5f, 0.5f};
        // an expert marked the top-left corner as a shortcut on sample 1, whose map sits there
        e.add(new SampleEvidence(1, p, map(5, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0), null, mask(0)));
        // sample 2 leans on the corner too, sample 3 on the centre; equal concentration
        e.add(new SampleEvidence(2, p, map(4, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0), null, null));
        e.add(new SampleEvidence(3, p, map(0, 0, 0, 0, 0, 4, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1), null, null));
        ScoreTable t = ScoreTable.of(e, 4, 4);
        assertEquals(5.0 / 9, t.disagreement(0), 1e-6, "measured: the map's share on the painted shortcut");
        assertEquals(0.5, t.disagreement(1), 1e-6, "predicted: half its mass on the marked corner");
        assertEquals(0.5, t.disagreement(2), 1e-6, "predicted: only its concentration, 4/8 on one pixel");
        List<QueueRanker.Ranked> ranked = QueueRanker.rank(t, Strategy.DISAGREEMENT, Weights.DEFAULT, 1, 1, 3);
        assertEquals(1, ranked.get(0).sampleId());
        assertTrue(ranked.get(0).components().containsKey("shortcutMass"), "annotated: measured parts");
        assertTrue(ranked.get(1).components().containsKey("predictedShortcutMass"), "unannotated: predicted parts");
    }

    @Test
    void eachStrategyOrdersByItsOwnScore() {
        List<SampleEvidence> e = new ArrayList<>();
        float[] corner = map(8, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        float[] spread = new float[16];
        Arrays.fill(spread, 1);
        e.add(new SampleEvidence(10, new float[] {0.98f, 0.02f}, corner, null, null));
        e.add(new SampleEvidence(11, new float[] {0.5f, 0.5f}, spread, null, null));
        e.add(new SampleEvidence(12, new float[] {0.7f, 0.3f}, spread, null, null));
        ScoreTable t = ScoreTable.of(e, 4, 4);
        assertEquals(List.of(11L, 12L, 10L), ids(QueueRanker.rank(t, Strategy.UNCERTAINTY, Weights.DEFAULT, 1, 0, 3)));
        assertEquals(10L, ids(QueueRanker.rank(t, Strategy.DISAGREEMENT, Weights.DEFAULT, 1, 0, 3)).get(0));
        // confident with a concentrated map: a red flag, which the hybrid weighs in
        List<QueueRanker.Ranked> hybrid = QueueRanker.rank(t, Strategy.HYBRID, Weights.DEFAULT, 1, 0, 3);
        assertEquals(10L, hybrid.get(0).sampleId());
        assertTrue(hybrid.get(0).components().get("redFlag") > 0.8);
        assertEquals(0.0, hybrid.get(1).components().get("redFlag"));
        List<Long> r1 = ids(QueueRanker.rank(t, Strategy.RANDOM, Weights.DEFAULT, 1, 1, 3));
        assertEquals(r1, ids(QueueRanker.rank(t, Strategy.RANDOM, Weights.DEFAULT, 1, 1, 3)), "seeded");
        boolean differs = false;
        for (long seed = 2; seed < 12 && !differs; seed++) {
            differs = !r1.equals(ids(QueueRanker.rank(t, Strategy.RANDOM, Weights.DEFAULT, 1, seed, 3)));
        }
        assertTrue(differs, "another seed, another order");
    }

    @Test
    void topIndicesMatchAFullSort() {
        Random r = new Random(3);
        float[] scores = new float[10_000];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = r.nextInt(1000) / 1000f;
        }
        int[] top = QueueRanker.topIndices(scores, 100);
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < scores.length; i++) {
            all.add(i);
        }
        all.sort((a, b) -> scores[a] != scores[b] ? Float.compare(scores[b], scores[a]) : Integer.compare(a, b));
        assertEquals(all.subList(0, 100), Arrays.stream(top).boxed().toList());
        assertNotEquals(0, top.length);
    }

    @Test
    void rejectsUnknownStrategiesAndBadWeights() {
        assertEquals(Strategy.HYBRID, Strategy.parse(null));
        assertEquals(Strategy.RANDOM, Strategy.parse(" Random "));
        var e = assertThrows(DomainError.class, () -> Strategy.parse("greedy"));
        assertEquals(DomainError.Kind.INVALID, e.kind());
        assertThrows(DomainError.class, () -> Weights.of(-1.0, null, null, null));
        assertThrows(DomainError.class, () -> Weights.of(0.0, 0.0, 0.0, null));
    }

    private static List<Long> ids(List<QueueRanker.Ranked> r) {
        return r.stream().map(QueueRanker.Ranked::sampleId).toList();
    }
}
