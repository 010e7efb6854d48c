package org.rationale.scheduler;

import org.junit.jupiter.api.Test;
import org.rationale.config.RationaleConfig;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MarkedRegionsTest {

    /** A 4×4 mask with these cells set (index y * 4 + x). */
    private static byte[] mask(int... cells) {
        byte[] m = new byte[16];
        for (int c : cells) {
            m[c] = 1;
        }
        return m;
    }

    @Test
    void theUnionOfMasksSplitsIntoItsConnectedPartsMostMarkedFirst() {
        // two masks on the top-left corner, one on the bottom-right cell, one of another size (left out)
        MarkedRegions r = MarkedRegions.of(List.of(mask(0, 1), mask(0, 4), mask(15), new byte[9]), 4, 4);
        assertEquals(2, r.size());
        assertEquals(List.of(0, 1, 4), cells(r.region(0)), "the corner, marked twice, first: the union of both masks");
        assertEquals(List.of(15), cells(r.region(1)));
        assertEquals(r.key(), MarkedRegions.of(List.of(mask(0, 1, 4), mask(0), mask(15)), 4, 4).key(),
                "the same parts, the same key");
        assertNotEquals(r.key(), MarkedRegions.of(List.of(mask(0, 1), mask(15)), 4, 4).key());
        assertTrue(MarkedRegions.of(List.of(), 4, 4).isEmpty());
    }

    /**
     * Two runs of 4,096 cells on a 100×100 grid, one from cell 0 and one from cell 2,048, have the
     * same {@link Arrays#hashCode}: the hash differs by 31^3856 · (31^2048 − 1) · (31^4096 − 1) / 30,
     * and the last two factors hold 2^16 each, so the difference vanishes modulo 2^32.
     */
    @Test
    void regionSetsWhoseHashCodesCollideHaveDifferentKeysAndShareNoTests() {
        byte[] early = new byte[10_000];
        byte[] late = new byte[10_000];
        Arrays.fill(early, 0, 4096, (byte) 1);
        Arrays.fill(late, 2048, 6144, (byte) 1);
        MarkedRegions first = MarkedRegions.of(List.of(early), 100, 100);
        MarkedRegions second = MarkedRegions.of(List.of(late), 100, 100);
        assertEquals(1, first.size());
        assertEquals(1, second.size());
        assertEquals(Arrays.hashCode(first.region(0)), Arrays.hashCode(second.region(0)), "the two regions collide");
        assertEquals(cells(first.region(0)).size(), cells(second.region(0)).size(), "and have as many cells");
        assertNotEquals(first.key(), second.key());

        InterventionCache cache = new InterventionCache();
        cache.put(7, first, 42, new InterventionCache.Tested(1.0, 0.5, 1));
        assertEquals(1, cache.known(7, first).size());
        assertTrue(cache.known(7, second).isEmpty(), "a test under one region set is not a test under the other");
    }

    @Test
    void atMostFourRegionsAreKept() {
        List<byte[]> masks = new ArrayList<>();
        for (int c : new int[] {0, 2, 8, 10, 15}) {
            masks.add(mask(c));
        }
        assertEquals(MarkedRegions.MOST, MarkedRegions.of(masks, 4, 4).size());
    }

    @Test
    void aRegionIsWeakInAMapThatPutsNoMoreThanItsAreaThere() {
        MarkedRegions r = MarkedRegions.of(List.of(mask(0, 1, 4, 5), mask(15)), 4, 4);
        float[] uniform = new float[16];
        Arrays.fill(uniform, 1);
        assertEquals(0b11, r.weakIn(uniform), "a uniform map puts exactly the area share on each");
        float[] corner = uniform.clone();
        corner[0] = 10;
        assertEquals(0b10, r.weakIn(corner), "the map points at the corner: only the other region is weak");
        assertEquals(0, r.weakIn(new float[9]), "a map of another size says nothing");
    }

    @Test
    void aTestedRelianceRaisesThePredictedDisagreement() {
        float[] spread = new float[16];
        Arrays.fill(spread, 1);
        ScoreTable t = ScoreTable.of(List.of(new SampleEvidence(1, new float[] {0.95f, 0.05f}, spread, null, null),
                new SampleEvidence(2, new float[] {0.95f, 0.05f}, spread, null, null)), 4, 4);
        double before = t.disagreement(0);
        t.setReliance(0, 0.875, 0.8);
        t.setReliance(1, 0, 0);
        assertEquals(0.875, t.disagreement(0), 1e-6);
        assertEquals(before, t.disagreement(1), 1e-6, "a test that flips nothing leaves the gradient's figure");
        assertEquals(0.95 * 0.875, t.redFlag(0), 1e-6, "confident and relying on the marked region: a red flag");
        List<QueueRanker.Ranked> ranked = QueueRanker.rank(t, Strategy.HYBRID, Weights.DEFAULT, 1, 0, 2);
        assertEquals(1, ranked.get(0).sampleId());
        assertEquals(0.875, ranked.get(0).components().get("relianceFlipRate"), 1e-6);
    }

    @Test
    void aCandidateCapOutOfRangeStopsTheStartWithWords() {
        for (int bad : new int[] {-1, SchedulerService.MOST_TESTED + 1}) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> new SchedulerService(null, null, null, null, null, null, null, null, null, null, null,
                            config(bad)).onStart(null));
            assertTrue(e.getMessage().contains("rationale.reliance.queue-candidates is " + bad), e.getMessage());
        }
        new SchedulerService(null, null, null, null, null, null, null, null, null, null, null, config(0)).onStart(null);
    }

    private static RationaleConfig config(int candidates) {
        RationaleConfig.Reliance reliance = (RationaleConfig.Reliance) Proxy.newProxyInstance(
                MarkedRegionsTest.class.getClassLoader(), new Class<?>[] {RationaleConfig.Reliance.class},
                (p, m, a) -> m.getName().equals("queueCandidates") ? candidates : null);
        return (RationaleConfig) Proxy.newProxyInstance(MarkedRegionsTest.class.getClassLoader(),
                new Class<?>[] {RationaleConfig.class}, (p, m, a) -> m.getName().equals("reliance") ? reliance : null);
    }

    private static List<Integer> cells(byte[] region) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < region.length; i++) {
            if (region[i] != 0) {
                out.add(i);
            }
        }
        return out;
    }
}
