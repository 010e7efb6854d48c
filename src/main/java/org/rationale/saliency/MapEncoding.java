package org.rationale.saliency;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Compact storage of a saliency map: IEEE half precision (round to nearest even), little endian;
 * the relative error of a half is at most 2^-11. Maps are written as {@code f16} (a 28×28 map is
 * 1,568 bytes). Earlier versions deflated them ({@code f16-deflate}, about 1.2 KB): deflate cost
 * 55 µs a map, more than the gradient itself, for a fifth of the bytes; those maps are still read.
 */
public final class MapEncoding {

    /** The encoding maps are written in. */
    public static final String NAME = "f16";
    /** The deflated encoding of earlier versions, still read. */
    public static final String DEFLATED = "f16-deflate";

    private MapEncoding() {
    }

    /** zlib state is large to set up: one deflater and inflater per thread, reset between maps. */
    private static final ThreadLocal<Deflater> DEFLATER = ThreadLocal.withInitial(() -> new Deflater(6));
    private static final ThreadLocal<Inflater> INFLATER = ThreadLocal.withInitial(Inflater::new);

    /** The values as stored ({@link #NAME}). */
    public static byte[] encode(float[] values) {
        byte[] out = new byte[values.length * 2];
        for (int i = 0; i < values.length; i++) {
            short h = toHalf(values[i]);
            out[2 * i] = (byte) h;
            out[2 * i + 1] = (byte) (h >>> 8);
        }
        return out;
    }

    /** The values as they read back after storing: each rounded to the nearest half. */
    public static float[] rounded(float[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = fromHalf(toHalf(values[i]));
        }
        return out;
    }

    /** Reads a stored map of {@code count} values in either encoding. */
    public static float[] decode(String encoding, byte[] data, int count) {
        if (NAME.equals(encoding)) {
            if (data.length != count * 2) {
                throw new IllegalArgumentException("stored map has " + data.length / 2 + " values, expected " + count);
            }
            float[] out = new float[count];
            for (int i = 0; i < count; i++) {
                out[i] = fromHalf((short) ((data[2 * i] & 0xff) | (data[2 * i + 1] << 8)));
            }
            return out;
        }
        if (DEFLATED.equals(encoding)) {
            return inflate(data, count);
        }
        throw new IllegalArgumentException("unknown map encoding '" + encoding + "'");
    }

    /** The deflated form of earlier versions (kept to test reading old maps). */
    static byte[] deflated(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putShort(toHalf(v));
        }
        Deflater d = DEFLATER.get();
        d.reset();
        d.setInput(b.array());
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream(values.length);
        byte[] buf = new byte[8192];
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        return out.toByteArray();
    }

    private static float[] inflate(byte[] data, int count) {
        Inflater inf = INFLATER.get();
        inf.reset();
        try {
            inf.setInput(data);
            byte[] raw = new byte[count * 2];
            int n = 0;
            while (n < raw.length && !inf.finished()) {
                int got = inf.inflate(raw, n, raw.length - n);
                if (got == 0 && (inf.needsInput() || inf.needsDictionary())) {
                    break; // truncated or foreign data: reported below
                }
                n += got;
            }
            if (n != raw.length) {
                throw new IllegalArgumentException("stored map has " + n / 2 + " values, expected " + count);
            }
            ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
            float[] out = new float[count];
            for (int i = 0; i < count; i++) {
                out[i] = fromHalf(b.getShort());
            }
            return out;
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("stored map is corrupt", e);
        }
    }

    static short toHalf(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xff;
        int mant = bits & 0x7fffff;
        if (exp == 0xff) {
            return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 : 0));
        }
        int e = exp - 127 + 15;
        if (e >= 0x1f) {
            return (short) (sign | 0x7c00);
        }
        if (e <= 0) {
            if (e < -10) {
                return (short) sign;
            }
            mant |= 0x800000;
            int shift = 14 - e;
            int half = mant >>> shift;
            int rest = mant & ((1 << shift) - 1);
            int mid = 1 << (shift - 1);
            if (rest > mid || (rest == mid && (half & 1) != 0)) {
                half++;
            }
            return (short) (sign | half);
        }
        int half = (e << 10) | (mant >>> 13);
        int rest = mant & 0x1fff;
        if (rest > 0x1000 || (rest == 0x1000 && (half & 1) != 0)) {
            half++;
        }
        return (short) (sign | half);
    }

    static float fromHalf(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0) {
            if (mant == 0) {
                return Float.intBitsToFloat(sign);
            }
            float v = mant / 1024f / 16384f;
            return sign != 0 ? -v : v;
        }
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }
}
