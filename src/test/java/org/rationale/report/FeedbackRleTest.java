package org.rationale.report;

import org.junit.jupiter.api.Test;
import org.rationale.audit.AuditChain;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The two run-length encodings of the feedback export against answers worked out by hand and by
 * src/test/python/make_rle_reference.py (numpy, written from the formats' descriptions).
 */
class FeedbackRleTest {

    /** 3 wide, 2 high, row by row: 0 1 1 / 0 0 1. */
    private static final byte[] SMALL = {0, 1, 1, 0, 0, 1};

    @Test
    void cocoCountsRunDownTheColumnsStartingWithZeros() {
        // columns: (0, 0), (1, 0), (1, 1) -> 0 0 1 0 1 1 -> runs 2 zeros, 1 one, 1 zero, 2 ones
        assertArrayEquals(new int[]{2, 1, 1, 2}, CocoRle.counts(SMALL, 3, 2));
        // the fourth count is stored less the second: 2 - 1 = 1; each fits one character ('0' + value)
        assertEquals("2111", CocoRle.compress(new int[]{2, 1, 1, 2}));
        assertEquals(3, CocoRle.area(CocoRle.counts(SMALL, 3, 2)));
        assertArrayEquals(new int[]{1, 0, 2, 2}, CocoRle.bbox(SMALL, 3, 2));
        // a mask whose first pixel is painted starts with an empty run of zeros
        assertArrayEquals(new int[]{0, 4}, CocoRle.counts(new byte[]{1, 1, 1, 1}, 2, 2));
        assertEquals("04", CocoRle.compress(new int[]{0, 4}));
        assertArrayEquals(new int[]{0, 0, 0, 0}, CocoRle.bbox(new byte[4], 2, 2));
    }

    @Test
    void cocoStringOfTheFixtureMaskIsTheReferenceOne() {
        byte[] mask = fixture();
        int[] counts = CocoRle.counts(mask, 40, 30);
        assertEquals(326, CocoRle.area(counts));
        assertEquals("016000000010O0000010O0000010O0000010O0000019MG2010J82H3001L70H4000N8MH5000O91G00080H0018NH1019MG2010J82"
                + "H3001L70H4000N8MH5000O91G00080H0018NH1019MG2010J82H3001L70H4000N8MH5000O91G00080H0010O0000010O0000010O0000"
                + "0010O00000010O0000010O0000010O0000010O0000010O0000010O00000010O00000010O0000010O0000010O0000010O00000O",
                CocoRle.compress(counts));
    }

    @Test
    void cocoRoundTripGivesTheMaskBack() {
        Random random = new Random(15);
        for (int t = 0; t < 50; t++) {
            int w = 1 + random.nextInt(70);
            int h = 1 + random.nextInt(70);
            byte[] mask = randomMask(random, w, h, t % 3 == 0 ? 0.5 : 0.05);
            int[] counts = CocoRle.counts(mask, w, h);
            assertArrayEquals(counts, CocoRle.decompress(CocoRle.compress(counts)), "string round trip " + w + "x" + h);
            assertArrayEquals(mask, CocoRle.decode(counts, w, h), "mask round trip " + w + "x" + h);
        }
        // long runs need several characters, and negative differences too
        byte[] big = new byte[1024 * 768];
        for (int y = 100; y < 700; y++) {
            for (int x = 3; x < 1000; x++) {
                big[y * 1024 + x] = 1;
            }
        }
        int[] counts = CocoRle.counts(big, 1024, 768);
        assertArrayEquals(big, CocoRle.decode(CocoRle.decompress(CocoRle.compress(counts)), 1024, 768));
        assertArrayEquals(new int[]{3, 100, 997, 600}, CocoRle.bbox(big, 1024, 768));
        assertThrows(IllegalArgumentException.class, () -> CocoRle.decode(new int[]{2, 5}, 2, 2));
    }

    @Test
    void brushRleOfASmallMaskIsWorkedOutByHand() {
        // 2x1: painted, not painted -> RGBA values 255 x 4, 0 x 4
        String bits = "00000000000000000000000000001000" // 8 values
                + "00111" // word size 8
                + "0010" + "0011" + "0111" + "1111" // run sizes 3, 4, 8, 16
                + "1" + "00" + "011" + "11111111" // a run of 4 values 255
                + "1" + "00" + "011" + "00000000"; // a run of 4 values 0
        bits += "0".repeat((8 - bits.length() % 8) % 8);
        byte[] want = new byte[bits.length() / 8];
        for (int i = 0; i < want.length; i++) {
            want[i] = (byte) Integer.parseInt(bits.substring(i * 8, i * 8 + 8), 2);
        }
        byte[] got = LabelStudioBrush.encode(new byte[]{1, 0}, 2, 1);
        assertArrayEquals(want, got);
        assertArrayEquals(new byte[]{-1, -1, -1, -1, 0, 0, 0, 0}, LabelStudioBrush.decode(got, 8));
    }

    @Test
    void brushRleOfTheFixtureMaskIsTheReferenceOneAndDecodesToIt() {
        byte[] mask = fixture();
        byte[] rle = LabelStudioBrush.encode(mask, 40, 30);
        assertEquals(622, rle.length);
        assertEquals("7cbee3c77bc17ecf94b9d3c49efc3305ac45a0ad62229a3f51a748c7392722d4", AuditChain.sha256(rle));
        assertArrayEquals(mask, LabelStudioBrush.decodeMask(rle, 40, 30));
    }

    @Test
    void brushRoundTripHandlesLongRunsAndNoise() {
        byte[] full = new byte[200 * 200];
        Arrays.fill(full, (byte) 1);
        // 160,000 values of 255: runs of at most 65,536
        assertArrayEquals(full, LabelStudioBrush.decodeMask(LabelStudioBrush.encode(full, 200, 200), 200, 200));
        Random random = new Random(7);
        for (int t = 0; t < 20; t++) {
            int w = 1 + random.nextInt(90);
            int h = 1 + random.nextInt(90);
            byte[] mask = randomMask(random, w, h, 0.3);
            assertArrayEquals(mask, LabelStudioBrush.decodeMask(LabelStudioBrush.encode(mask, w, h), w, h));
        }
        assertThrows(IllegalArgumentException.class, () -> LabelStudioBrush.decode(new byte[]{0, 0, 0, 9}, 100));
    }

    /** The mask of make_rle_reference.py: a 20x9 box and every seventh diagonal, 40x30. */
    static byte[] fixture() {
        byte[] m = new byte[40 * 30];
        for (int y = 0; y < 30; y++) {
            for (int x = 0; x < 40; x++) {
                boolean box = x >= 5 && x < 25 && y >= 3 && y < 12;
                m[y * 40 + x] = box || (x + y) % 7 == 0 ? (byte) 1 : 0;
            }
        }
        return m;
    }

    private static byte[] randomMask(Random random, int w, int h, double p) {
        byte[] m = new byte[w * h];
        for (int i = 0; i < m.length; i++) {
            m[i] = random.nextDouble() < p ? (byte) 1 : 0;
        }
        return m;
    }
}
