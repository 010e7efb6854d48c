package org.rationale.scheduler;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Orders candidates by a strategy. The first {@code batch} places are chosen for score and
 * diversity together (k-center greedy over the best ten batches' worth of candidates) when the
 * strategy asks for diversity; the rest follow by score. Each place carries its score breakdown.
 */
public final class QueueRanker {

    /** Candidates considered for the diverse batch, as a multiple of the batch size. */
    static final int POOL_FACTOR = 10;

    private QueueRanker() {
    }

    /** One place in the queue: the sample, its score and the parts the score is made of. */
    public record Ranked(long sampleId, double score, Map<String, Double> components) {
    }

    /** The top {@code limit} candidates of the table, best first. */
    public static List<Ranked> rank(ScoreTable t, Strategy strategy, Weights w, int batch, long seed, int limit) {
        int n = t.size();
        float[] scores = new float[n];
        for (int i = 0; i < n; i++) {
            scores[i] = (float) score(t, i, strategy, w, seed);
        }
        int wanted = Math.min(limit, n);
        boolean diverse = (strategy == Strategy.DISAGREEMENT || strategy == Strategy.HYBRID) && w.diversity() > 0
                && batch > 1;
        int[] top = topIndices(scores, Math.max(wanted, diverse ? Math.min(n, POOL_FACTOR * batch) : 0));
        List<Ranked> out = new ArrayList<>(wanted);
        boolean[] placed = new boolean[top.length];
        if (diverse) {
            float[] poolScores = new float[top.length];
            float[] poolEmb = new float[top.length * ScoreTable.DIM];
            for (int j = 0; j < top.length; j++) {
                poolScores[j] = scores[top[j]];
                System.arraycopy(t.embeddings, top[j] * ScoreTable.DIM, poolEmb, j * ScoreTable.DIM, ScoreTable.DIM);
            }
            KCenterGreedy.Selection s = KCenterGreedy.select(poolScores, poolEmb, ScoreTable.DIM,
                    Math.min(batch, wanted), w.diversity());
            for (int j = 0; j < s.order().length; j++) {
                int i = top[s.order()[j]];
                placed[s.order()[j]] = true;
                Map<String, Double> c = components(t, i, strategy, seed);
                c.put("diversity", s.distance()[j]);
                out.add(new Ranked(t.id(i), scores[i], c));
            }
        }
        for (int j = 0; j < top.length && out.size() < wanted; j++) {
            if (!placed[j]) {
                out.add(new Ranked(t.id(top[j]), scores[top[j]], components(t, top[j], strategy, seed)));
            }
        }
        return out;
    }

    /** The score of candidate {@code i} under a strategy, in [0, 1]. */
    static double score(ScoreTable t, int i, Strategy strategy, Weights w, long seed) {
        return switch (strategy) {
            case RANDOM -> random(t.id(i), seed);
            case UNCERTAINTY -> t.entropy[i];
            case DISAGREEMENT -> t.disagreement(i);
            case HYBRID -> (w.disagreement() * t.disagreement(i) + w.uncertainty() * t.entropy[i]
                    + w.redFlag() * t.redFlag(i)) / (w.disagreement() + w.uncertainty() + w.redFlag());
        };
    }

    /** A reproducible uniform number in [0, 1) per sample and seed (SplitMix64). */
    static double random(long id, long seed) {
        long z = id * 0x9E3779B97F4A7C15L + seed;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return (z >>> 11) * 0x1.0p-53;
    }

    private static Map<String, Double> components(ScoreTable t, int i, Strategy strategy, long seed) {
        Map<String, Double> c = new LinkedHashMap<>();
        if (strategy == Strategy.RANDOM) {
            c.put("random", random(t.id(i), seed));
        }
        c.put("disagreement", t.disagreement(i));
        if (t.annotated[i]) {
            put(c, "relevanceMassMiss", t.relevanceMiss[i]);
            put(c, "pointingGameMiss", t.pointingMiss[i]);
            put(c, "topKIoUMiss", t.topKMiss[i]);
            put(c, "shortcutMass", t.shortcutMass[i]);
        } else if (t.hasMap[i]) {
            c.put("predictedShortcutMass", (double) t.priorShortcutMass[i]);
            c.put("concentration", (double) t.concentration[i]);
            put(c, "relianceFlipRate", t.reliance[i]);
            put(c, "relianceDrop", t.relianceDrop[i]);
        }
        c.put("entropy", (double) t.entropy[i]);
        c.put("margin", (double) t.margin[i]);
        c.put("leastConfidence", (double) t.leastConfidence[i]);
        c.put("confidence", (double) t.confidence[i]);
        c.put("redFlag", t.redFlag(i));
        return c;
    }

    private static void put(Map<String, Double> c, String key, float v) {
        if (!Float.isNaN(v)) {
            c.put(key, (double) v);
        }
    }

    /**
     * Indices of the k highest scores, highest first (ties: lower index first), by sorting packed
     * (score bits, index) longs: no boxing, a million candidates in well under a second.
     */
    static int[] topIndices(float[] scores, int k) {
        int n = scores.length;
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            float s = Float.isNaN(scores[i]) ? 0 : Math.max(0, scores[i]);
            keys[i] = ((long) Float.floatToIntBits(s) << 32) | (Integer.MAX_VALUE - i);
        }
        Arrays.sort(keys);
        int m = Math.min(k, n);
        int[] out = new int[m];
        for (int j = 0; j < m; j++) {
            out[j] = Integer.MAX_VALUE - (int) (keys[n - 1 - j] & 0xFFFFFFFFL);
        }
        return out;
    }
}
