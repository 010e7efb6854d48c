package org.rationale.model;

import org.junit.jupiter.api.Test;
import org.rationale.error.Invalid;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The geometry between an image and a model's grid, by hand: a 6×4 image (wide) and a 2×2 or 3×3
 * gray model scaled to [0, 255] (scale 1, mean 0, std 1) so inputs read as pixel values.
 */
class InputFitTest {

    private static InputSpec spec(int size, String fit, String interpolation) {
        return new InputSpec("m", 1, size, size, 1, List.of(0.0), List.of(1.0), List.of("a", "b"), fit, interpolation);
    }

    /** A 6×4 mask with one marked pixel at (x, y). */
    private static byte[] dot(int x, int y) {
        byte[] m = new byte[6 * 4];
        m[y * 6 + x] = 1;
        return m;
    }

    /** Pixel value 10·x + y at (x, y) of the 6×4 image: every pixel tells where it is. */
    private static byte[] coordinates() {
        byte[] px = new byte[6 * 4];
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 6; x++) {
                px[y * 6 + x] = (byte) (10 * x + y);
            }
        }
        return px;
    }

    @Test
    void resizeFramesTheWholeImage() {
        assertEquals(new InputFrame(0, 0, 6, 4), spec(2, "resize", null).frameIn(6, 4));
    }

    @Test
    void centreCropFramesTheMiddleSquareOfAWideImage() {
        // scale max(2/6, 2/4) = 1/2: the grid covers 4×4 image pixels, 1 cut off left and right
        assertEquals(new InputFrame(1, 0, 4, 4), spec(2, "center-crop", null).frameIn(6, 4));
        // a 451×300 photo into 224×224: the middle 300×300
        assertEquals(new InputFrame(75.5, 0, 300, 300), spec(224, null, null).frameIn(451, 300));
    }

    @Test
    void padFramesASquareLargerThanTheImage() {
        // scale min(2/6, 2/4) = 1/3: the grid covers 6×6, one row of padding above and below
        assertEquals(new InputFrame(0, -1, 6, 6), spec(2, "pad", null).frameIn(6, 4));
    }

    @Test
    void imageOfTheModelsSizeIsTakenAsItIsWhateverTheFit() {
        for (String fit : List.of("resize", "center-crop", "pad")) {
            assertEquals(new InputFrame(0, 0, 2, 2), spec(2, fit, null).frameIn(2, 2));
        }
    }

    @Test
    void inputSamplesTheImageAtTheCentresOfTheGridCells() {
        byte[] px = coordinates();
        // resize, nearest: cell centres at image (1.5, 1), (4.5, 1), (1.5, 3), (4.5, 3)
        assertArrayEquals(new float[] {11, 41, 13, 43}, spec(2, "resize", "nearest").input(px, 6, 4, 1));
        // centre crop, nearest: centres at (2, 1), (4, 1), (2, 3), (4, 3)
        assertArrayEquals(new float[] {21, 41, 23, 43}, spec(2, "center-crop", "nearest").input(px, 6, 4, 1));
        // centre crop, bilinear: (2, 1) is between pixels 1 and 2 across, 0 and 1 down: 15.5 → 16
        assertArrayEquals(new float[] {16, 36, 18, 38}, spec(2, "center-crop", "bilinear").input(px, 6, 4, 1));
        // pad, 3×3 nearest: the frame is 6×6 from y = −1, cells 2 pixels; row 2's centre (y = 4) is below the image
        assertArrayEquals(new float[] {10, 30, 50, 12, 32, 52, 0, 0, 0}, spec(3, "pad", "nearest").input(px, 6, 4, 1));
    }

    @Test
    void padFillsWithZerosOfTheNormalisedInputThatIsTheMeanColour() {
        InputSpec s = new InputSpec("m", 1, 3, 3, 1.0 / 255, List.of(0.5), List.of(0.25), List.of("a", "b"), "pad",
                "nearest");
        float[] in = s.input(new byte[6 * 4], 6, 4, 1);
        assertEquals(-2f, in[0], 1e-6); // a black pixel: (0 − 0.5) / 0.25
        assertEquals(0f, in[8], 1e-6); // padding
    }

    @Test
    void grayImageReachesAColourModelAsThreeEqualChannels() {
        InputSpec rgb = new InputSpec("m", 3, 2, 2, 1, List.of(0.0, 0.0, 0.0), List.of(1.0, 1.0, 1.0),
                List.of("a", "b"), "resize", "nearest");
        float[] in = rgb.input(coordinates(), 6, 4, 1);
        assertArrayEquals(new float[] {11, 41, 13, 43, 11, 41, 13, 43, 11, 41, 13, 43}, in);
    }

    @Test
    void colourImageReachesAGrayModelAsItsLuma() {
        byte[] rgb = new byte[6 * 4 * 3];
        for (int p = 0; p < 24; p++) {
            rgb[p * 3] = (byte) 200;
            rgb[p * 3 + 1] = (byte) 100;
            rgb[p * 3 + 2] = (byte) 50;
        }
        // 0.299·200 + 0.587·100 + 0.114·50 = 124.2 → 124
        assertArrayEquals(new float[] {124, 124, 124, 124}, spec(2, "resize", "bilinear").input(rgb, 6, 4, 3));
    }

    @Test
    void masksReachTheGridThroughTheSameFitForEachMode() {
        InputSpec resize = spec(2, "resize", null);
        InputSpec crop = spec(2, "center-crop", null);
        InputSpec pad = spec(3, "pad", null);
        // resize: cell (1, 0) has its centre at (4.5, 1), over pixel (4, 1)
        assertArrayEquals(new byte[] {0, 1, 0, 0}, resize.maskOnGrid(dot(4, 1), 6, 4));
        // centre crop: pixel (0, 1) is in the cut-off strip and reaches no cell; (2, 3) is under cell (0, 1)
        assertArrayEquals(new byte[] {0, 0, 0, 0}, crop.maskOnGrid(dot(0, 1), 6, 4));
        assertArrayEquals(new byte[] {0, 0, 1, 0}, crop.maskOnGrid(dot(2, 3), 6, 4));
        // pad: cell centres at x = 1, 3, 5 and y = 0, 2 (row 2 is padding); pixel (5, 2) is under cell (2, 1)
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 1, 0, 0, 0}, pad.maskOnGrid(dot(5, 2), 6, 4));
        // a mask of the model's own size is unchanged
        byte[] own = {1, 0, 0, 1};
        assertArrayEquals(own, crop.maskOnGrid(own, 2, 2));
    }

    @Test
    void mapsReachTheImageThroughTheFrameAndStayOffTheCutOffSides() {
        float[] map = {1, 2, 3, 4};
        // centre crop, nearest: image columns 1–2 are cell 0, 3–4 cell 1; columns 0 and 5 were cut off
        float[] crop = spec(2, "center-crop", "nearest").mapOnImage(map, 1, 6, 4);
        assertArrayEquals(new float[] {
            0, 1, 1, 2, 2, 0,
            0, 1, 1, 2, 2, 0,
            0, 3, 3, 4, 4, 0,
            0, 3, 3, 4, 4, 0}, crop);
        // resize, bilinear, where the map is 1 + gx + 2·gy: pixel (0, 0) sits at grid (−1/3, −1/4), clamped
        // to cell (0, 0); pixel (2, 1) at (1/3, 1/4)
        float[] resized = spec(2, "resize", "bilinear").mapOnImage(map, 1, 6, 4);
        assertEquals(1f, resized[0], 1e-6);
        assertEquals(1 + 1 / 3.0 + 2 * 0.25, resized[6 + 2], 1e-6);
        // pad, nearest, 2×2: the grid spans y −1..5, so image row 0 is grid row 0 and row 3 grid row 1
        float[] padded = spec(2, "pad", "nearest").mapOnImage(map, 1, 6, 4);
        assertEquals(1f, padded[0], 1e-6);
        assertEquals(4f, padded[3 * 6 + 5], 1e-6);
    }

    @Test
    void unknownFitOrInterpolationIsRefusedNamingTheField() {
        Invalid fit = assertThrows(Invalid.class, () -> spec(2, "zoom", null).validated());
        assertTrue(String.valueOf(fit.detail()).contains("fit"));
        Invalid interpolation = assertThrows(Invalid.class, () -> spec(2, null, "cubic").validated());
        assertTrue(String.valueOf(interpolation.detail()).contains("interpolation"));
    }

    @Test
    void specWithoutFitTakesTheDefaults() {
        InputSpec s = ModelService.parseSpec("{\"name\":\"m\",\"channels\":1,\"height\":2,\"width\":2,\"scale\":1,"
                + "\"mean\":[0],\"std\":[1],\"classes\":[\"a\",\"b\"]}");
        assertEquals("center-crop", s.fit());
        assertEquals("bilinear", s.interpolation());
    }
}
