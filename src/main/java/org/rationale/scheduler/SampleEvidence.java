package org.rationale.scheduler;

/**
 * What the platform knows about one sample under one model version: the predicted class
 * probabilities, the saliency map (one value per pixel, channels summed; null when none is
 * computed yet) and the experts' masks (null when not painted).
 */
public record SampleEvidence(long sampleId, float[] probabilities, float[] map, byte[] relevant, byte[] shortcut) {

    public boolean annotated() {
        return hasPixels(relevant) || hasPixels(shortcut);
    }

    static boolean hasPixels(byte[] mask) {
        if (mask == null) {
            return false;
        }
        for (byte b : mask) {
            if (b != 0) {
                return true;
            }
        }
        return false;
    }
}
