package org.rationale.scheduler;

import java.util.Arrays;

/**
 * How well a saliency map agrees with a mask an expert painted (the localisation metrics of
 * Quantus: relevance mass accuracy, pointing game, top-k intersection). Maps are one value per
 * pixel (channels already summed); only positive attribution counts as evidence for the class.
 */
public final class Localisation {

    private Localisation() {
    }

    /** Share of the positive attribution that falls inside the mask (Arras et al. 2022); 0 for an empty map. */
    public static double massInside(float[] map, byte[] mask) {
        check(map, mask);
        double inside = 0;
        double total = 0;
        for (int i = 0; i < map.length; i++) {
            if (map[i] > 0) {
                total += map[i];
                if (mask[i] != 0) {
                    inside += map[i];
                }
            }
        }
        return total > 0 ? inside / total : 0;
    }

    /** Relevance mass accuracy: the share of positive attribution inside the {@code relevant} mask. */
    public static double relevanceMassAccuracy(float[] map, byte[] relevant) {
        return massInside(map, relevant);
    }

    /** Pointing game (Zhang et al. 2018): true when the map's highest pixel lies in the mask. */
    public static boolean pointingGameHit(float[] map, byte[] mask) {
        check(map, mask);
        int best = 0;
        for (int i = 1; i < map.length; i++) {
            if (map[i] > map[best]) {
                best = i;
            }
        }
        return mask[best] != 0;
    }

    /**
     * Intersection over union of the mask and the map's k highest pixels, k being the mask's size:
     * 1 when the map's top region is exactly the mask.
     */
    public static double topKIoU(float[] map, byte[] mask) {
        check(map, mask);
        int k = 0;
        for (byte b : mask) {
            k += b != 0 ? 1 : 0;
        }
        if (k == 0) {
            return 0;
        }
        float threshold = kthLargest(map, k);
        int chosen = 0;
        int hit = 0;
        for (int i = 0; i < map.length && chosen < k; i++) {
            if (map[i] > threshold) {
                chosen++;
                hit += mask[i] != 0 ? 1 : 0;
            }
        }
        for (int i = 0; i < map.length && chosen < k; i++) {
            if (map[i] == threshold) {
                chosen++;
                hit += mask[i] != 0 ? 1 : 0;
            }
        }
        return hit / (double) (2 * k - hit);
    }

    /**
     * Share of the positive attribution held by the top {@code fraction} of pixels (at least one):
     * near 1 when a few pixels carry the decision, whatever their shape (a shortcut's signature on
     * objects that fill the frame), small when the evidence spreads over the object.
     */
    public static double concentration(float[] map, double fraction) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("fraction must be in (0, 1]: " + fraction);
        }
        int k = Math.max(1, (int) Math.round(map.length * fraction));
        float[] positive = new float[map.length];
        double total = 0;
        for (int i = 0; i < map.length; i++) {
            positive[i] = Math.max(0, map[i]);
            total += positive[i];
        }
        if (total <= 0) {
            return 0;
        }
        Arrays.sort(positive);
        double top = 0;
        for (int i = positive.length - 1; i >= positive.length - k; i--) {
            top += positive[i];
        }
        return Math.min(1, top / total);
    }

    /** Weighted mass: the share of positive attribution under a soft mask with values in [0, 1]. */
    public static double massUnder(float[] map, float[] weights) {
        if (map.length != weights.length) {
            throw new IllegalArgumentException("map has " + map.length + " values, weights " + weights.length);
        }
        double inside = 0;
        double total = 0;
        for (int i = 0; i < map.length; i++) {
            if (map[i] > 0) {
                total += map[i];
                inside += map[i] * weights[i];
            }
        }
        return total > 0 ? inside / total : 0;
    }

    private static float kthLargest(float[] map, int k) {
        float[] sorted = map.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length - Math.min(k, sorted.length)];
    }

    private static void check(float[] map, byte[] mask) {
        if (map.length != mask.length) {
            throw new IllegalArgumentException("map has " + map.length + " pixels, mask " + mask.length);
        }
    }
}
