package org.rationale.dataset;

/**
 * A decoded image ready to store: 8-bit pixels, row-major, interleaved channels (1 = gray, 3 = RGB).
 *
 * @param label    index into the class names of the {@link SampleSource} that produced it
 * @param shortcut the known shortcut region, or null
 */
public record LabelledImage(int width, int height, int channels, byte[] pixels, int label, String source,
                            Box shortcut) {

    public LabelledImage {
        if (pixels.length != width * height * channels) {
            throw new IllegalArgumentException("pixels has " + pixels.length + " bytes, expected "
                    + (width * height * channels));
        }
    }

    /** A rectangle in pixel coordinates. */
    public record Box(int x, int y, int width, int height) {
    }
}
