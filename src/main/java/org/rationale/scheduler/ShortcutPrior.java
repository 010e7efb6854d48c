package org.rationale.scheduler;

import java.util.Collection;

/**
 * Where experts have marked shortcuts so far, pooled over all annotated samples: per pixel, how
 * often it lies in a {@code shortcut} mask, scaled so the most marked pixel is 1. A map of a sample
 * nobody annotated that puts its mass there is predicted to disagree with the experts: the model
 * leans on a region they reject elsewhere.
 */
public final class ShortcutPrior {

    private final float[] weights;
    private final int masks;

    private ShortcutPrior(float[] weights, int masks) {
        this.weights = weights;
        this.masks = masks;
    }

    /** The prior of these samples' shortcut masks; empty (all zero) when none has one. */
    public static ShortcutPrior of(Collection<SampleEvidence> annotated, int pixels) {
        float[] counts = new float[pixels];
        int masks = 0;
        for (SampleEvidence e : annotated) {
            if (SampleEvidence.hasPixels(e.shortcut()) && e.shortcut().length == pixels) {
                masks++;
                for (int i = 0; i < pixels; i++) {
                    counts[i] += e.shortcut()[i] != 0 ? 1 : 0;
                }
            }
        }
        float max = 0;
        for (float c : counts) {
            max = Math.max(max, c);
        }
        if (max > 0) {
            for (int i = 0; i < pixels; i++) {
                counts[i] /= max;
            }
        }
        return new ShortcutPrior(counts, masks);
    }

    /** Share of the map's positive attribution on marked regions, weighted by how often they were marked. */
    public double massOn(float[] map) {
        return map == null || map.length != weights.length ? 0 : Localisation.massUnder(map, weights);
    }

    /** How many shortcut masks the prior pools. */
    public int masks() {
        return masks;
    }
}
