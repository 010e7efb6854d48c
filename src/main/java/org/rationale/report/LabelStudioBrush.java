package org.rationale.report;

import java.util.Arrays;

/**
 * Label Studio's brush RLE ({@code "format": "rle"} of a {@code brushlabels} result), the bit format
 * of thi.ng's rle-pack that Label Studio's editor decodes: a 32-bit count of values, the word size
 * less one in 5 bits, four run-length sizes less one in 4 bits each, then runs and literal chunks,
 * bits most significant first, padded with zeros to whole bytes. The values are the RGBA bytes of
 * the mask image, row by row (a painted pixel is 255, 255, 255, 255), so there are width × height × 4
 * of them; Label Studio reads the fourth (alpha) channel.
 */
public final class LabelStudioBrush {

    /** Bits of a run length in each of the four tiers, as Label Studio's converter writes them. */
    private static final int[] RUN_BITS = {3, 4, 8, 16};
    private static final int WORD = 8;
    private static final int MAX_RUN = 1 << 16;

    private LabelStudioBrush() {
    }

    /** The brush RLE bytes of a mask (one byte 0/1 per pixel, row by row). */
    public static byte[] encode(byte[] mask, int width, int height) {
        if (width <= 0 || height <= 0 || mask.length != width * height) {
            throw new IllegalArgumentException("a " + width + "x" + height + " mask needs " + ((long) width * height)
                    + " bytes, got " + mask.length);
        }
        long values = (long) width * height * 4;
        if (values > 0xffffffffL) {
            throw new IllegalArgumentException("a " + width + "x" + height + " mask is too large for a brush RLE");
        }
        Bits out = new Bits(64);
        out.write(values, 32);
        out.write(WORD - 1, 5);
        for (int b : RUN_BITS) {
            out.write(b - 1, 4);
        }
        int i = 0;
        while (i < mask.length) {
            byte v = mask[i] != 0 ? (byte) 1 : 0;
            int j = i + 1;
            while (j < mask.length && (mask[j] != 0 ? 1 : 0) == v) {
                j++;
            }
            long run = (long) (j - i) * 4;
            int value = v == 1 ? 255 : 0;
            while (run > 0) {
                int n = (int) Math.min(run, MAX_RUN);
                int tier = n - 1 < 8 ? 0 : n - 1 < 16 ? 1 : n - 1 < 256 ? 2 : 3;
                out.write(1, 1);
                out.write(tier, 2);
                out.write(n - 1, RUN_BITS[tier]);
                out.write(value, WORD);
                run -= n;
            }
            i = j;
        }
        return out.bytes();
    }

    /** The values (RGBA bytes, row by row) of brush RLE bytes: runs and literal chunks both. */
    public static byte[] decode(byte[] rle, long maxValues) {
        BitReader in = new BitReader(rle);
        long num = in.read(32);
        if (num > maxValues) {
            throw new IllegalArgumentException("the RLE holds " + num + " values, more than " + maxValues);
        }
        int word = (int) in.read(5) + 1;
        int[] sizes = new int[4];
        for (int k = 0; k < 4; k++) {
            sizes[k] = (int) in.read(4) + 1;
        }
        byte[] out = new byte[(int) num];
        int i = 0;
        while (i < num) {
            boolean run = in.read(1) == 1;
            int j = (int) Math.min(num, i + 1 + in.read(sizes[(int) in.read(2)]));
            if (run) {
                Arrays.fill(out, i, j, (byte) in.read(word));
                i = j;
            } else {
                for (; i < j; i++) {
                    out[i] = (byte) in.read(word);
                }
            }
        }
        return out;
    }

    /** The mask (0/1 per pixel, row by row) of brush RLE bytes: a pixel is painted when its alpha is not 0. */
    public static byte[] decodeMask(byte[] rle, int width, int height) {
        byte[] rgba = decode(rle, (long) width * height * 4);
        if (rgba.length != width * height * 4) {
            throw new IllegalArgumentException("the RLE holds " + rgba.length + " values, a " + width + "x" + height
                    + " mask needs " + (width * height * 4));
        }
        byte[] mask = new byte[width * height];
        for (int p = 0; p < mask.length; p++) {
            mask[p] = rgba[p * 4 + 3] != 0 ? (byte) 1 : 0;
        }
        return mask;
    }

    /** A growing bit buffer, most significant bit first. */
    private static final class Bits {
        private byte[] buf;
        private long bits;

        Bits(int bytes) {
            buf = new byte[bytes];
        }

        void write(long value, int n) {
            for (int k = n - 1; k >= 0; k--) {
                int byteIndex = (int) (bits >>> 3);
                if (byteIndex == buf.length) {
                    buf = Arrays.copyOf(buf, buf.length * 2);
                }
                if (((value >>> k) & 1) != 0) {
                    buf[byteIndex] |= (byte) (0x80 >>> (bits & 7));
                }
                bits++;
            }
        }

        byte[] bytes() {
            return Arrays.copyOf(buf, (int) ((bits + 7) >>> 3));
        }
    }

    /** Reads bits most significant first; reading past the end is refused. */
    private static final class BitReader {
        private final byte[] data;
        private long pos;

        BitReader(byte[] data) {
            this.data = data;
        }

        long read(int n) {
            long v = 0;
            for (int k = 0; k < n; k++) {
                int byteIndex = (int) (pos >>> 3);
                if (byteIndex >= data.length) {
                    throw new IllegalArgumentException("the RLE ends early");
                }
                int bit = (data[byteIndex] >>> (7 - (pos & 7))) & 1;
                v = (v << 1) | bit;
                pos++;
            }
            return v;
        }
    }
}
