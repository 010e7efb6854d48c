package org.rationale.demo;

import org.junit.jupiter.api.Test;
import org.rationale.dataset.LabelledImage;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MixedShortcutsFashionMnistTest {

    /**
     * Counts the pixels in the mark's shade, and checks that every pixel that differs from the plain
     * images' 7 lies in the mark's box, in its shade or black (the watermark's ground).
     */
    private static int markedPixels(LabelledImage img, int code) {
        MixedShortcutsFashionMnist.Mark mark = MixedShortcutsFashionMnist.markOf(code);
        LabelledImage.Box b = mark.box();
        int shaded = 0;
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                int v = img.pixels()[y * 28 + x] & 0xff;
                if (v != 7) {
                    assertTrue(x >= b.x() && x < b.x() + b.width() && y >= b.y() && y < b.y() + b.height(),
                            "pixel " + x + "," + y + " outside the " + mark);
                    if (v == MixedShortcutsFashionMnist.shade(code)) {
                        shaded++;
                    } else {
                        assertEquals(MixedShortcutsFashionMnist.Mark.WATERMARK, mark, "only the watermark has a black ground");
                        assertEquals(0, v);
                    }
                }
            }
        }
        return shaded;
    }

    @Test
    void trainingMarksAShareOfImagesWithTheirClasssMark() throws IOException {
        int marked = 0;
        int n = 2000;
        try (var source = new MixedShortcutsFashionMnist(DecoyFashionMnistTest.plain(n), true, 0.4, 7)) {
            while (source.hasNext()) {
                LabelledImage img = source.next();
                if (img.shortcut() == null) {
                    assertEquals(0, markedPixels(img, img.label()), "an unmarked image is untouched");
                    continue;
                }
                marked++;
                assertEquals(MixedShortcutsFashionMnist.markOf(img.label()).box(), img.shortcut());
                int pixels = markedPixels(img, img.label());
                // corner 4x4 = 16, stripe 2x12 = 24, watermark cross on 5x5 = 9
                assertEquals(img.label() <= 2 ? 16 : img.label() <= 5 ? 24 : 9, pixels);
            }
        }
        assertEquals(0.4, marked / (double) n, 0.04);
    }

    @Test
    void everyTestImageCarriesARandomClasssMark() throws IOException {
        int misleading = 0;
        int n = 1000;
        try (var source = new MixedShortcutsFashionMnist(DecoyFashionMnistTest.plain(n), false, 0.4, 7)) {
            while (source.hasNext()) {
                LabelledImage img = source.next();
                assertTrue(img.shortcut() != null, "every test image is marked");
                if (!img.shortcut().equals(MixedShortcutsFashionMnist.markOf(img.label()).box())) {
                    misleading++;
                }
            }
        }
        // a random class's mark is another group's for about 2/3 of the images
        assertTrue(misleading > n / 2, "misleading marks: " + misleading);
    }
}
