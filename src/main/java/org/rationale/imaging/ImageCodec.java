package org.rationale.imaging;

import org.rationale.error.DomainError;
import org.rationale.error.Invalid;
import org.rationale.error.TooLarge;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Lossless image storage: decodes uploaded images (PNG, JPEG, and what else ImageIO reads) to 8-bit
 * gray or RGB pixels, and writes pixels as PNG with a small, fast encoder (no ImageIO on the hot
 * path of a 70,000-image import).
 */
public final class ImageCodec {

    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private ImageCodec() {
    }

    /** Decoded pixels: row-major, channels interleaved. */
    public record Pixels(int width, int height, int channels, byte[] data) {
    }

    /**
     * Decodes an image file, refusing images over {@code maxPixels} before their pixels are decoded.
     *
     * @throws Invalid when the bytes are not a readable image, {@link TooLarge} when it has too many pixels
     */
    public static Pixels decode(byte[] bytes, String name, long maxPixels) {
        try (ImageInputStream iis = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            return withReader(iis, name, (reader, w, h) -> {
                if (w * h > maxPixels) {
                    throw new TooLarge("Image too large: " + name,
                            w + " x " + h + " pixels is over the limit of " + maxPixels
                                    + " pixels per image (rationale.import.max-image-pixels)");
                }
                return toPixels(reader.read(0));
            });
        } catch (IOException | RuntimeException e) {
            if (e instanceof DomainError refused) {
                throw refused;
            }
            throw new Invalid("Corrupt image: " + name, "It cannot be decoded as a PNG or JPEG image", e);
        }
    }

    /**
     * Width and height from an image's header, reading the stream only as far as the header goes.
     *
     * @throws Invalid when the stream is not a readable image or its size is not positive
     */
    public static long[] size(ImageInputStream iis, String name) throws IOException {
        return withReader(iis, name, (reader, w, h) -> new long[] {w, h});
    }

    /** What is done with an image once its reader has read a valid size from the header. */
    private interface ReaderStep<T> {
        T apply(ImageReader reader, long width, long height) throws IOException;
    }

    private static <T> T withReader(ImageInputStream iis, String name, ReaderStep<T> step) throws IOException {
        Iterator<ImageReader> readers = iis == null ? null : ImageIO.getImageReaders(iis);
        if (readers == null || !readers.hasNext()) {
            throw new Invalid("Not an image: " + name, "The file is not a PNG, JPEG or other readable image");
        }
        ImageReader reader = readers.next();
        try {
            reader.setInput(iis, true, true);
            long w = reader.getWidth(0);
            long h = reader.getHeight(0);
            if (w <= 0 || h <= 0) {
                throw new Invalid("Corrupt image: " + name, "Invalid size " + w + " x " + h);
            }
            return step.apply(reader, w, h);
        } finally {
            reader.dispose();
        }
    }

    /** Gray images (with or without alpha) stay one channel; everything else becomes RGB; alpha is dropped. */
    static Pixels toPixels(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        var cm = img.getColorModel();
        boolean gray = cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY
                && !(cm instanceof IndexColorModel);
        if (gray) {
            Raster r = img.getRaster();
            int bits = cm.getComponentSize(0);
            byte[] out = new byte[w * h];
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                r.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    int v = row[x];
                    out[y * w + x] = (byte) (bits == 8 ? v : bits > 8 ? v >>> (bits - 8) : v * 255 / ((1 << bits) - 1));
                }
            }
            return new Pixels(w, h, 1, out);
        }
        byte[] out = new byte[w * h * 3];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int p = row[x];
                int o = (y * w + x) * 3;
                out[o] = (byte) (p >>> 16);
                out[o + 1] = (byte) (p >>> 8);
                out[o + 2] = (byte) p;
            }
        }
        return new Pixels(w, h, 3, out);
    }

    /** Encodes 8-bit gray (1 channel) or RGB (3 channels) pixels as PNG. */
    public static byte[] encodePng(int width, int height, int channels, byte[] pixels) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        int stride = width * channels;
        byte[] filtered = new byte[(stride + 1) * height];
        for (int y = 0; y < height; y++) {
            int o = y * (stride + 1);
            filtered[o] = 2; // "Up" filter: good on photos and on flat backgrounds
            int rowStart = y * stride;
            for (int i = 0; i < stride; i++) {
                int up = y == 0 ? 0 : pixels[rowStart - stride + i] & 0xff;
                filtered[o + 1 + i] = (byte) ((pixels[rowStart + i] & 0xff) - up);
            }
        }
        Deflater deflater = new Deflater(6);
        byte[] compressed;
        try {
            deflater.setInput(filtered);
            deflater.finish();
            ByteArrayOutputStream z = new ByteArrayOutputStream(filtered.length / 2 + 64);
            byte[] buf = new byte[Math.max(1024, filtered.length / 2)];
            while (!deflater.finished()) {
                int n = deflater.deflate(buf);
                z.write(buf, 0, n);
            }
            compressed = z.toByteArray();
        } finally {
            deflater.end();
        }
        ByteBuffer out = ByteBuffer.allocate(SIGNATURE.length + 25 + 12 + compressed.length + 12);
        out.put(SIGNATURE);
        ByteBuffer ihdr = ByteBuffer.allocate(13);
        ihdr.putInt(width).putInt(height).put((byte) 8).put((byte) (channels == 1 ? 0 : 2))
                .put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IDAT", compressed);
        chunk(out, "IEND", new byte[0]);
        return out.array();
    }

    /** Decodes a PNG written by {@link #encodePng} (or any PNG) back to pixels. */
    public static Pixels decodePng(byte[] png) {
        Pixels fast = decodeSimplePng(png);
        if (fast != null) {
            return fast;
        }
        try {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
            if (img == null) {
                throw new IllegalArgumentException("not a PNG");
            }
            return toPixels(img);
        } catch (IOException e) {
            throw new IllegalArgumentException("Stored image cannot be decoded: " + e.getMessage(), e);
        }
    }

    /**
     * Fast path for 8-bit gray or RGB, non-interlaced PNGs such as {@link #encodePng} writes (all five
     * row filters); null for anything else, which ImageIO then decodes.
     */
    static Pixels decodeSimplePng(byte[] png) {
        if (png.length < 33 || !Arrays.equals(Arrays.copyOf(png, 8), SIGNATURE)) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(png);
        b.position(8);
        int width = 0;
        int height = 0;
        int channels = 0;
        ByteArrayOutputStream idat = new ByteArrayOutputStream(png.length);
        while (b.remaining() >= 12) {
            int len = b.getInt();
            byte[] type = new byte[4];
            b.get(type);
            String t = new String(type, StandardCharsets.US_ASCII);
            if (len < 0 || len > b.remaining() - 4) {
                return null;
            }
            if (t.equals("IHDR")) {
                width = b.getInt();
                height = b.getInt();
                int depth = b.get() & 0xff;
                int color = b.get() & 0xff;
                int compression = b.get();
                int filter = b.get();
                int interlace = b.get();
                if (depth != 8 || (color != 0 && color != 2) || compression != 0 || filter != 0 || interlace != 0) {
                    return null;
                }
                channels = color == 0 ? 1 : 3;
            } else {
                if (t.equals("IDAT")) {
                    idat.write(png, b.position(), len);
                } else if (t.equals("PLTE") || t.equals("tRNS")) {
                    return null;
                }
                b.position(b.position() + len);
            }
            b.getInt(); // CRC
            if (t.equals("IEND")) {
                break;
            }
        }
        if (channels == 0 || width <= 0 || height <= 0) {
            return null;
        }
        int stride = width * channels;
        byte[] raw = new byte[(stride + 1) * height];
        Inflater inf = new Inflater();
        try {
            inf.setInput(idat.toByteArray());
            int n = 0;
            while (n < raw.length && !inf.finished()) {
                int got = inf.inflate(raw, n, raw.length - n);
                if (got == 0 && (inf.needsInput() || inf.needsDictionary())) {
                    return null;
                }
                n += got;
            }
            if (n != raw.length) {
                return null;
            }
        } catch (DataFormatException e) {
            return null;
        } finally {
            inf.end();
        }
        byte[] out = new byte[stride * height];
        for (int y = 0; y < height; y++) {
            int f = raw[y * (stride + 1)] & 0xff;
            int in = y * (stride + 1) + 1;
            int o = y * stride;
            for (int i = 0; i < stride; i++) {
                int x = raw[in + i] & 0xff;
                int a = i >= channels ? out[o + i - channels] & 0xff : 0;
                int up = y > 0 ? out[o - stride + i] & 0xff : 0;
                int c = i >= channels && y > 0 ? out[o - stride + i - channels] & 0xff : 0;
                int v = switch (f) {
                    case 0 -> x;
                    case 1 -> x + a;
                    case 2 -> x + up;
                    case 3 -> x + ((a + up) >>> 1);
                    case 4 -> x + paeth(a, up, c);
                    default -> -1;
                };
                if (v < 0) {
                    return null;
                }
                out[o + i] = (byte) v;
            }
        }
        return new Pixels(width, height, channels, out);
    }

    private static int paeth(int a, int b, int c) {
        int p = a + b - c;
        int pa = Math.abs(p - a);
        int pb = Math.abs(p - b);
        int pc = Math.abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static void chunk(ByteBuffer out, String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.putInt(data.length);
        out.put(t);
        out.put(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.putInt((int) crc.getValue());
    }
}
