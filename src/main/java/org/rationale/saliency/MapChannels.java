package org.rationale.saliency;

/**
 * How a map's channels are stored: the one place where a method's raw C×H×W attribution becomes what
 * is kept ({@link NewMap#of}). By default one H×W plane, one value a pixel: what the review draws,
 * what the deletion/insertion curves rank pixels by and what the scheduler measures, at a third of
 * the bytes on an RGB model (a 224×224 map: 100,352 bytes instead of 301,056). The full C×H×W only
 * when asked for ({@code channels=all}, part of the map's key). Readers (rendering, curves,
 * scheduler) sum whatever channels are stored: nothing on a plane, so nothing is reduced twice, and
 * maps stored with three channels before planes existed are drawn as they were.
 */
enum MapChannels {

    /** Every input channel as the method computed it ({@code channels=all}). */
    ALL,
    /**
     * The plane a spatial method (Grad-CAM, occlusion, RISE) repeats over the channels, stored once:
     * its values are the method's own (a CAM, a probability drop), not three times them.
     */
    REPEATED,
    /**
     * The channels summed per pixel (gradient methods), signed: the map's total, and with it the
     * completeness of integrated gradients, is kept; summed in float in channel order, as the review
     * canvas sums them.
     */
    SUMMED;

    /** How the maps of this method with these parameters are stored. */
    static MapChannels of(AttributionMethod method, MethodParameters params) {
        if (params.allChannels()) {
            return ALL;
        }
        return method.repeatsOverChannels() ? REPEATED : SUMMED;
    }

    /** The values to store of one map of {@code channels} × {@code pixels} raw values. */
    float[] stored(float[] values, int channels, int pixels) {
        if (values.length != channels * pixels) {
            throw new IllegalArgumentException("map has " + values.length + " values, expected " + channels + " × "
                    + pixels);
        }
        if (this == ALL || channels == 1) {
            return values;
        }
        if (this == REPEATED) {
            float[] plane = new float[pixels];
            System.arraycopy(values, 0, plane, 0, pixels);
            return plane;
        }
        return MapRendering.sumChannels(values, channels, pixels);
    }
}
