package org.rationale.saliency;

import org.junit.jupiter.api.Test;
import org.rationale.error.Invalid;
import org.rationale.explain.InputBatch;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RegionRelianceTest {

    private static final int H = 12;
    private static final int W = 12;
    /** The region: a 4×4 patch in the middle of a 12×12 grid. */
    private static final byte[] PATCH = AnalyticModels.box(H, W, 4, 4, 8, 8);

    @Test
    void aModelDecidingByTheRegionAloneFlipsUnderEveryReplacement() {
        AnalyticModels.Watching model = new AnalyticModels.Watching(1, H, W, PATCH, 20);
        InputBatch x = image(1f, 0f, 1);
        float[] untouched = x.values().clone();
        // images of the other class: dark patch, random surroundings
        InputBatch others = images(8, 0f, 7);
        List<RegionReliance.Figures> f = RegionReliance.measure(model, x, PATCH, 0,
                new RegionReliance.Replacements(new float[] {0.3f}, RegionReliance.MOST_BLUR, others));
        assertEquals(List.of(RegionReliance.MEAN, RegionReliance.BLUR, RegionReliance.OTHER_CLASSES),
                f.stream().map(RegionReliance.Figures::replacement).toList());
        // before: logit gap 2·20·0.5 = 20, so p = 1/(1+e^-20)
        double before = 1 / (1 + Math.exp(-20));
        for (RegionReliance.Figures one : f) {
            assertEquals(before, one.before(), 1e-9);
            assertEquals(1.0, one.flipRate(), one.replacement());
            assertEquals(one.draws(), one.flips());
            assertTrue(one.drop() > 0.9, one.replacement() + " drop " + one.drop());
        }
        // mean 0.3: logit gap 2·20·(0.3 − 0.5) = −8
        assertEquals(1 / (1 + Math.exp(8)), f.get(0).after(), 1e-6);
        assertEquals(1, f.get(0).draws());
        assertEquals(8, f.get(2).draws());
        // a dark patch from the other images: gap −20 in every draw
        assertEquals(1 / (1 + Math.exp(20)), f.get(2).after(), 1e-6);
        assertArrayEquals(untouched, x.values(), "the input is never changed");
    }

    @Test
    void aModelIgnoringTheRegionDoesNotMove() {
        byte[] outside = new byte[H * W];
        for (int p = 0; p < outside.length; p++) {
            outside[p] = (byte) (PATCH[p] == 0 ? 1 : 0);
        }
        AnalyticModels.Watching model = new AnalyticModels.Watching(1, H, W, outside, 20);
        InputBatch x = image(1f, 0.8f, 3);
        List<RegionReliance.Figures> f = RegionReliance.measure(model, x, PATCH, 0,
                new RegionReliance.Replacements(new float[] {0.3f}, 5, images(8, 0f, 9)));
        assertEquals(3, f.size());
        for (RegionReliance.Figures one : f) {
            // the mean of eight equal probabilities may differ from them in the last bit
            assertEquals(0.0, one.drop(), 1e-12, one.replacement());
            assertEquals(0.0, one.flipRate(), 0.0, one.replacement());
        }
    }

    @Test
    void theMeanPutOnARegionAlreadyAtTheMeanChangesNothing() {
        AnalyticModels.Linear model = new AnalyticModels.Linear(3, H, W, 4, 11);
        InputBatch x = AnalyticModels.randomInputs(1, 3, H, W, 12);
        float[] mean = {0.25f, 0.5f, 0.75f};
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < H * W; p++) {
                if (PATCH[p] != 0) {
                    x.values()[c * H * W + p] = mean[c];
                }
            }
        }
        List<RegionReliance.Figures> f = RegionReliance.measure(model, x, PATCH, 2,
                new RegionReliance.Replacements(mean, 0, null));
        assertEquals(1, f.size());
        assertEquals(0.0, f.get(0).drop(), 0.0);
        assertEquals(0.0, f.get(0).flipRate(), 0.0);
    }

    @Test
    void badRegionsAndDrawCountsAreRefusedWithTheReason() {
        AnalyticModels.Watching model = new AnalyticModels.Watching(1, H, W, PATCH, 20);
        InputBatch x = image(1f, 0f, 1);
        RegionReliance.Replacements mean = new RegionReliance.Replacements(new float[] {0.3f}, 0, null);
        Invalid empty = assertThrows(Invalid.class, () -> RegionReliance.measure(model, x, new byte[H * W], 0, mean));
        assertTrue(empty.getMessage().contains("Empty region"), empty.getMessage());
        Invalid size = assertThrows(Invalid.class, () -> RegionReliance.measure(model, x, new byte[10], 0, mean));
        assertTrue(size.getMessage().contains("wrong size"), size.getMessage());
        Invalid many = assertThrows(Invalid.class, () -> RegionReliance.measure(model, x, PATCH, 0,
                new RegionReliance.Replacements(null, 0, images(RegionReliance.MOST_DRAWS + 1, 0f, 2))));
        assertTrue(many.getMessage().contains("Too many draws"), many.getMessage());
        assertThrows(Invalid.class, () -> RegionReliance.measure(model, x, PATCH, 0,
                new RegionReliance.Replacements(null, 0, null)));
        assertThrows(Invalid.class, () -> RegionReliance.measure(model, x, PATCH, 0,
                new RegionReliance.Replacements(null, RegionReliance.MOST_BLUR + 1, null)));
        assertThrows(Invalid.class, () -> RegionReliance.measure(model, x, PATCH, 5, mean));
    }

    /** One image: {@code inside} on the patch, {@code outside} around it (or random when negative). */
    private static InputBatch image(float inside, float outside, long seed) {
        return images(1, inside, outside, seed);
    }

    private static InputBatch images(int n, float inside, long seed) {
        return images(n, inside, -1, seed);
    }

    private static InputBatch images(int n, float inside, float outside, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n * H * W];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < H * W; p++) {
                v[i * H * W + p] = PATCH[p] != 0 ? inside : outside < 0 ? r.nextFloat() : outside;
            }
        }
        float[] copy = Arrays.copyOf(v, v.length);
        return new InputBatch(n, 1, H, W, copy);
    }
}
