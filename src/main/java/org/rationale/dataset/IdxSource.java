package org.rationale.dataset;

import java.io.ByteArrayOutputStream;
import org.rationale.error.DomainError;
import org.rationale.error.Invalid;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads a pair of IDX files (the MNIST format), raw or gzipped: an image file of unsigned bytes with
 * dimensions (count, rows, columns) and a label file of unsigned bytes with dimension (count).
 * Headers and counts are checked against the {@link ImportLimits} before anything is allocated; the
 * label file is read whole (one byte a sample, at most max-entries), the images are streamed.
 */
public final class IdxSource implements SampleSource {

    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;

    private final String imagesName;
    private final int count;
    private final int rows;
    private final int cols;
    private final byte[] labels;
    private final int maxLabel;
    private final DataInputStream images;
    private final boolean imagesGzipped;
    private int next;

    private IdxSource(String imagesName, int count, int rows, int cols, byte[] labels, DataInputStream images,
                      boolean imagesGzipped) {
        this.imagesName = imagesName;
        this.count = count;
        this.rows = rows;
        this.cols = cols;
        this.labels = labels;
        this.images = images;
        this.imagesGzipped = imagesGzipped;
        int max = -1;
        for (byte b : labels) {
            max = Math.max(max, b & 0xff);
        }
        this.maxLabel = max;
    }

    /**
     * Opens and checks an image file and a label file. Both headers are checked against the limits
     * before anything is allocated; then the labels are read, never more of them than the header
     * announced (a file that holds more is refused, so a stream cannot expand past its header).
     *
     * @param imagesName name of the image file as the user knows it (kept in each sample's source)
     */
    public static IdxSource open(Path imagesFile, String imagesName, Path labelsFile, String labelsName,
                                 ImportLimits limits) {
        DataInputStream in = null;
        try {
            boolean gz = isGzip(imagesFile);
            in = open(imagesFile, gz);
            int magic = readHeaderInt(in, imagesName, gz);
            checkMagic(magic, IMAGES_MAGIC, 3, imagesName, "image");
            int n = readHeaderInt(in, imagesName, gz);
            int rows = readHeaderInt(in, imagesName, gz);
            int cols = readHeaderInt(in, imagesName, gz);
            if (n < 0 || rows <= 0 || cols <= 0) {
                throw new InvalidDatasetException("Invalid IDX dimensions in " + imagesName,
                        "Expected positive count, rows and columns; got " + n + " x " + rows + " x " + cols);
            }
            checkImageHeader(imagesName, n, rows, cols, limits);
            byte[] labels = readLabels(labelsFile, labelsName, limits, imagesName, n);
            if (n == 0) {
                throw new InvalidDatasetException("Empty dataset", imagesName + " holds no images");
            }
            return new IdxSource(imagesName, n, rows, cols, labels, in, gz);
        } catch (IOException e) {
            closeQuietly(in);
            throw new InvalidDatasetException("Cannot read " + imagesName, e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(in);
            throw e;
        }
    }

    /** The image header's count and dimensions against the limits, before a byte of pixels is read. */
    private static void checkImageHeader(String name, int n, int rows, int cols, ImportLimits limits) {
        long pixels = (long) rows * cols;
        if (pixels > limits.maxImagePixels()) {
            throw new InvalidDatasetException(DomainError.Kind.TOO_LARGE, "Images too large in " + name,
                    rows + " x " + cols + " pixels is over the limit of " + limits.maxImagePixels()
                            + " pixels per image (rationale.import.max-image-pixels)");
        }
        checkCount(name, n, "images", limits);
        if (ImportLimits.productExceeds(n, pixels, limits.maxUncompressedBytes())) {
            throw new InvalidDatasetException(DomainError.Kind.TOO_LARGE, "IDX file expands beyond the limit: " + name,
                    "Its header declares " + n + " images of " + rows + " x " + cols + " bytes, "
                            + n * pixels + " bytes in all; the limit is "
                            + limits.maxUncompressedBytes() + " bytes (rationale.import.max-uncompressed-size)");
        }
        if (ImportLimits.productExceeds(n, pixels, limits.maxTotalPixels())) {
            throw new InvalidDatasetException(DomainError.Kind.TOO_LARGE, "Import exceeds the pixel budget: " + name,
                    "Its header declares " + n + " images of " + rows + " x " + cols + " pixels, " + n * pixels
                            + " pixels in all; the limit is " + limits.maxTotalPixels()
                            + " decoded pixels per import (rationale.import.max-total-pixels)");
        }
    }

    private static void checkCount(String name, int n, String what, ImportLimits limits) {
        if (n > limits.maxEntries()) {
            throw new InvalidDatasetException(DomainError.Kind.TOO_LARGE, "Too many samples in " + name,
                    "Its header declares " + n + " " + what + "; the limit is " + limits.maxEntries()
                            + " (rationale.import.max-entries)");
        }
        if (n > limits.maxUncompressedBytes()) {
            throw new InvalidDatasetException(DomainError.Kind.TOO_LARGE, "IDX file expands beyond the limit: " + name,
                    "Its header declares " + n + " " + what + "; the limit is " + limits.maxUncompressedBytes()
                            + " bytes (rationale.import.max-uncompressed-size)");
        }
    }

    private static byte[] readLabels(Path file, String name, ImportLimits limits, String imagesName, int images) {
        try {
            boolean gz = isGzip(file);
            try (DataInputStream in = open(file, gz)) {
                int magic = readHeaderInt(in, name, gz);
                checkMagic(magic, LABELS_MAGIC, 1, name, "label");
                int n = readHeaderInt(in, name, gz);
                if (n < 0) {
                    throw new InvalidDatasetException("Invalid IDX dimensions in " + name, "Negative count " + n);
                }
                checkCount(name, n, "labels", limits);
                if (n != images) {
                    throw new InvalidDatasetException("Image and label counts differ",
                            imagesName + " has " + images + " images but " + name + " has " + n + " labels");
                }
                // within the limits, yet still more than the file may hold: read in chunks, as far as the data goes
                ByteArrayOutputStream read = new ByteArrayOutputStream(Math.min(n, 1 << 20));
                byte[] buf = new byte[1 << 16];
                try {
                    while (read.size() < n) {
                        int got = in.read(buf, 0, Math.min(buf.length, n - read.size()));
                        if (got < 0) {
                            throw truncated(name, gz, "its header announces " + n + " labels, it holds " + read.size());
                        }
                        read.write(buf, 0, got);
                    }
                } catch (EOFException | ZipException e) {
                    throw truncated(name, gz, "its header announces " + n + " labels");
                }
                byte[] labels = read.toByteArray();
                if (in.read() != -1) {
                    throw new InvalidDatasetException("Unexpected data after the labels in " + name,
                            "The header announces " + n + " labels but the file is longer");
                }
                return labels;
            }
        } catch (EOFException | ZipException e) {
            throw new InvalidDatasetException("Truncated or corrupt file " + name, e.getMessage(), e);
        } catch (IOException e) {
            throw new InvalidDatasetException("Cannot read " + name, e.getMessage(), e);
        }
    }

    private static void checkMagic(int magic, int expected, int dims, String name, String kind) {
        if (magic == expected) {
            return;
        }
        String detail;
        if ((magic >>> 16) != 0) {
            detail = String.format("The file starts with 0x%08x; an IDX %s file starts with 0x%08x", magic, kind, expected);
        } else if (((magic >>> 8) & 0xff) != 0x08) {
            detail = String.format("Data type 0x%02x is not supported; only unsigned bytes (0x08) are", (magic >>> 8) & 0xff);
        } else {
            detail = "An IDX " + kind + " file has " + dims + " dimension" + (dims == 1 ? "" : "s")
                    + ", this one has " + (magic & 0xff);
        }
        throw new InvalidDatasetException("Not an IDX " + kind + " file: " + name, detail);
    }

    private static int readHeaderInt(DataInputStream in, String name, boolean gz) throws IOException {
        try {
            return in.readInt();
        } catch (EOFException | ZipException e) {
            throw truncated(name, gz, "the header is incomplete");
        }
    }

    private static InvalidDatasetException truncated(String name, boolean gz, String why) {
        return new InvalidDatasetException(gz ? "Truncated or corrupt gzip: " + name : "Truncated IDX file: " + name,
                "The file ends early: " + why);
    }

    private static boolean isGzip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }

    private static DataInputStream open(Path file, boolean gz) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        if (gz) {
            try {
                in = new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
            } catch (EOFException | ZipException e) {
                in.close();
                throw new InvalidDatasetException("Truncated or corrupt gzip: " + file.getFileName(), e.getMessage(), e);
            }
        }
        return new DataInputStream(in);
    }

    @Override
    public String format() {
        return "idx";
    }

    @Override
    public List<String> classNames() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i <= maxLabel; i++) {
            names.add(Integer.toString(i));
        }
        return names;
    }

    @Override
    public LabelKind labelKind() {
        return LabelKind.NUMERIC;
    }

    @Override
    public int expectedCount() {
        return count;
    }

    /** Samples per label, by label (0 up to the largest label in the file). */
    public long[] countsByLabel() {
        long[] counts = new long[maxLabel + 1];
        for (byte b : labels) {
            counts[b & 0xff]++;
        }
        return counts;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    @Override
    public boolean hasNext() {
        return next < count;
    }

    @Override
    public LabelledImage next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        byte[] pixels = new byte[rows * cols];
        try {
            images.readFully(pixels);
            if (next == count - 1 && images.read() != -1) {
                throw new InvalidDatasetException("Unexpected data after the images in " + imagesName,
                        "The header announces " + count + " images but the file is longer");
            }
        } catch (EOFException | ZipException e) {
            throw truncated(imagesName, imagesGzipped, "its header announces " + count + " images, it holds " + next);
        } catch (IOException e) {
            throw new InvalidDatasetException("Cannot read " + imagesName, e.getMessage(), e);
        }
        int index = next++;
        return new LabelledImage(cols, rows, 1, pixels, labels[index] & 0xff, imagesName + "#" + index, null);
    }

    @Override
    public void close() {
        closeQuietly(images);
    }

    private static void closeQuietly(InputStream in) {
        if (in != null) {
            try {
                in.close();
            } catch (IOException ignored) {
                // nothing to do: the stream was only read
            }
        }
    }
}
