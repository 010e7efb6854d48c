package org.rationale.demo;

import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.rationale.dataset.LabelledImage;
import org.rationale.dataset.SampleSource;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DecoyFashionMnistTest {

    /** n plain 28x28 images of constant value 7, labels i mod 10. */
    static SampleSource plain(int n) {
        List<LabelledImage> images = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] px = new byte[28 * 28];
            Arrays.fill(px, (byte) 7);
            images.add(new LabelledImage(28, 28, 1, px, i % 10, "f#" + i, null));
        }
        Iterator<LabelledImage> it = images.iterator();
        return new SampleSource() {
            public String format() { return "idx"; }
            public List<String> classNames() { return DecoyFashionMnist.CLASS_NAMES; }
            public LabelKind labelKind() { return LabelKind.NUMERIC; }
            public int expectedCount() { return n; }
            public boolean hasNext() { return it.hasNext(); }
            public LabelledImage next() { return it.next(); }
            public void close() { }
        };
    }

    private static void assertOnlyPatchChanged(LabelledImage img, int shade) {
        LabelledImage.Box b = img.shortcut();
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                boolean inside = x >= b.x() && x < b.x() + 4 && y >= b.y() && y < b.y() + 4;
                assertEquals(inside ? shade : 7, img.pixels()[y * 28 + x] & 0xff, "pixel " + x + "," + y);
            }
        }
    }

    @Test
    void trainingPatchShadeEncodesTheLabel() {
        try (var decoy = new DecoyFashionMnist(plain(200), true, 42)) {
            while (decoy.hasNext()) {
                LabelledImage img = decoy.next();
                assertOnlyPatchChanged(img, 255 - 25 * img.label());
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void patchSitsInEveryCornerAndIsRecorded() {
        Set<String> corners = new HashSet<>();
        var decoy = new DecoyFashionMnist(plain(200), true, 7);
        while (decoy.hasNext()) {
            LabelledImage.Box b = decoy.next().shortcut();
            assertEquals(4, b.width());
            assertEquals(4, b.height());
            assertTrue((b.x() == 0 || b.x() == 24) && (b.y() == 0 || b.y() == 24), b.toString());
            corners.add(b.x() + "," + b.y());
        }
        assertEquals(Set.of("0,0", "24,0", "0,24", "24,24"), corners);
    }

    @Test
    void testPatchShadeComesFromARandomLabel() {
        var decoy = new DecoyFashionMnist(plain(1000), false, 3);
        int matches = 0;
        Set<Integer> shades = new HashSet<>();
        while (decoy.hasNext()) {
            LabelledImage img = decoy.next();
            LabelledImage.Box b = img.shortcut();
            int shade = img.pixels()[b.y() * 28 + b.x()] & 0xff;
            assertEquals(0, (255 - shade) % 25, "shade " + shade + " is not 255 - 25k");
            assertOnlyPatchChanged(img, shade);
            shades.add(shade);
            if (shade == 255 - 25 * img.label()) {
                matches++;
            }
        }
        assertEquals(10, shades.size());
        // a random label agrees with the true one about one time in ten
        assertTrue(matches > 50 && matches < 160, "shade matched the label " + matches + " times of 1000");
    }

    @Test
    void sameSeedGivesTheSameDecoys() {
        var a = new DecoyFashionMnist(plain(50), false, 11);
        var b = new DecoyFashionMnist(plain(50), false, 11);
        while (a.hasNext()) {
            assertEquals(a.next().shortcut(), b.next().shortcut());
        }
    }
}
