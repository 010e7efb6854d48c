package org.rationale.saliency;

import org.rationale.error.Invalid;

/** An overlay would have more pixels than {@link HeatmapRenderer#MAX_OUTPUT_PIXELS} (a 400 at the REST edge). */
public class OverlayTooLargeException extends Invalid {

    public OverlayTooLargeException(int height, int width, int zoom) {
        super("Overlay too large", width + " x " + height + " pixels at zoom " + zoom + " would draw "
                + describe((long) width * zoom, (long) height * zoom) + "; the limit is " + HeatmapRenderer.MAX_OUTPUT_PIXELS
                + " output pixels" + advice(height, width, zoom));
    }

    private static String describe(long w, long h) {
        return w + " x " + h + " pixels";
    }

    private static String advice(int height, int width, int zoom) {
        int fits = HeatmapRenderer.fittingZoom(height, width, zoom);
        return fits > 0 ? " (this map fits up to zoom " + fits + ")" : " (this map is too large to draw even at zoom 1)";
    }
}
