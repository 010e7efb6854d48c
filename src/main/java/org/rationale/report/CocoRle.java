package org.rationale.report;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * COCO's run-length encoding of a binary mask, as pycocotools reads it: runs counted down the
 * columns (column-major, Fortran order), starting with a run of zeros (0 when the first pixel is
 * painted), in the uncompressed form (a list of counts) or the compressed one (the ASCII string of
 * pycocotools' {@code rleToString}: each count, less the count two places before it from the fourth
 * on, in 5-bit groups with a continuation bit, offset by 48). Masks here are one byte 0/1 per pixel,
 * row by row.
 */
public final class CocoRle {

    private CocoRle() {
    }

    /** The run counts of a mask, column-major, starting with zeros. */
    public static int[] counts(byte[] mask, int width, int height) {
        check(mask, width, height);
        int[] out = new int[16];
        int n = 0;
        int run = 0;
        byte current = 0;
        for (int x = 0; x < width; x++) {
            for (int y = 0; y < height; y++) {
                byte v = mask[y * width + x] != 0 ? (byte) 1 : 0;
                if (v != current) {
                    if (n == out.length) {
                        out = Arrays.copyOf(out, n * 2);
                    }
                    out[n++] = run;
                    run = 0;
                    current = v;
                }
                run++;
            }
        }
        if (n == out.length) {
            out = Arrays.copyOf(out, n + 1);
        }
        out[n++] = run;
        return Arrays.copyOf(out, n);
    }

    /** The mask (row by row, 0/1) that run counts describe; counts that do not cover it exactly are refused. */
    public static byte[] decode(int[] counts, int width, int height) {
        byte[] mask = new byte[width * height];
        long total = 0;
        int p = 0;
        byte v = 0;
        for (int c : counts) {
            if (c < 0 || total + c > (long) width * height) {
                throw new IllegalArgumentException("counts do not fit a " + width + "x" + height + " mask");
            }
            for (int i = 0; i < c; i++, p++) {
                if (v == 1) {
                    int x = p / height;
                    int y = p % height;
                    mask[y * width + x] = 1;
                }
            }
            total += c;
            v = (byte) (1 - v);
        }
        if (total != (long) width * height) {
            throw new IllegalArgumentException("counts cover " + total + " of " + ((long) width * height) + " pixels");
        }
        return mask;
    }

    /** The compressed string of run counts, as pycocotools' {@code mask.encode} gives it. */
    public static String compress(int[] counts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(counts.length * 2 + 8);
        for (int i = 0; i < counts.length; i++) {
            long x = counts[i];
            if (i > 2) {
                x -= counts[i - 2];
            }
            boolean more = true;
            while (more) {
                int c = (int) (x & 0x1f);
                x >>= 5;
                more = (c & 0x10) != 0 ? x != -1 : x != 0;
                if (more) {
                    c |= 0x20;
                }
                out.write(c + 48);
            }
        }
        return out.toString(StandardCharsets.US_ASCII);
    }

    /** The run counts of a compressed string (the inverse of {@link #compress}). */
    public static int[] decompress(String s) {
        int[] out = new int[Math.max(1, s.length())];
        int m = 0;
        int p = 0;
        while (p < s.length()) {
            long x = 0;
            int k = 0;
            boolean more = true;
            while (more) {
                if (p >= s.length()) {
                    throw new IllegalArgumentException("truncated RLE string");
                }
                int c = s.charAt(p) - 48;
                x |= (long) (c & 0x1f) << (5 * k);
                more = (c & 0x20) != 0;
                p++;
                k++;
                if (!more && (c & 0x10) != 0) {
                    x |= -1L << (5 * k);
                }
            }
            if (m > 2) {
                x += out[m - 2];
            }
            out[m++] = (int) x;
        }
        return Arrays.copyOf(out, m);
    }

    /** The painted pixels of run counts (the sum of the odd runs). */
    public static long area(int[] counts) {
        long a = 0;
        for (int i = 1; i < counts.length; i += 2) {
            a += counts[i];
        }
        return a;
    }

    /** The box around the painted pixels as COCO gives it, [x, y, width, height]; zeros for an empty mask. */
    public static int[] bbox(byte[] mask, int width, int height) {
        check(mask, width, height);
        int minX = width;
        int minY = height;
        int maxX = -1;
        int maxY = -1;
        for (int y = 0; y < height; y++) {
            int row = y * width;
            for (int x = 0; x < width; x++) {
                if (mask[row + x] != 0) {
                    minX = Math.min(minX, x);
                    maxX = Math.max(maxX, x);
                    minY = Math.min(minY, y);
                    maxY = y;
                }
            }
        }
        return maxX < 0 ? new int[4] : new int[]{minX, minY, maxX - minX + 1, maxY - minY + 1};
    }

    private static void check(byte[] mask, int width, int height) {
        if (width <= 0 || height <= 0 || mask.length != width * height) {
            throw new IllegalArgumentException("a " + width + "x" + height + " mask needs " + ((long) width * height)
                    + " bytes, got " + mask.length);
        }
    }
}
