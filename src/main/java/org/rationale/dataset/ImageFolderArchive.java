package org.rationale.dataset;

import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.rationale.error.DomainError;
import org.rationale.imaging.ImageCodec;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.NoSuchElementException;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads a zip archive in the ImageFolder layout: {@code <class>/<image>} (optionally under one
 * common top folder), any image size, gray or colour. Labels follow the sorted folder names, as in
 * torchvision. Entry names that would escape an extraction folder, archives that expand beyond
 * the limits (zip bombs), non-image files and empty archives are refused before or while reading,
 * never half-imported. Hidden files and macOS {@code __MACOSX} metadata are skipped.
 */
public final class ImageFolderArchive implements SampleSource {

    /** Entries smaller than this are not judged by their compression ratio (tiny files compress oddly). */
    private static final long RATIO_FLOOR_BYTES = 1 << 20;

    private final ZipFile zip;
    private final String archiveName;
    private final ImportLimits limits;
    private final List<ZipEntry> images;
    private final List<String> classes;
    private final int[] labelOfEntry;
    private final Iterator<Integer> order;
    private long expanded;
    private long decodedPixels;
    private final Set<String> sizes = new LinkedHashSet<>();

    private ImageFolderArchive(ZipFile zip, String archiveName, ImportLimits limits, List<ZipEntry> images,
                               List<String> classes, int[] labelOfEntry) {
        this.zip = zip;
        this.archiveName = archiveName;
        this.limits = limits;
        this.images = images;
        this.classes = classes;
        this.labelOfEntry = labelOfEntry;
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            idx.add(i);
        }
        this.order = idx.iterator();
    }

    /**
     * Opens the archive and checks every entry name, the class layout and the declared sizes, then
     * reads every image's header (not its pixels) and checks the sizes against the limits: a
     * decompression bomb is refused before a single image is decoded.
     */
    public static ImageFolderArchive open(Path file, String archiveName, ImportLimits limits) {
        return open(file, archiveName, limits, ImportProgress.NONE);
    }

    /**
     * As {@link #open(Path, String, ImportLimits)}, telling {@code progress} how many image headers
     * are checked. Problems of single entries (a name that escapes, an image outside a class folder,
     * a file that is not an image, a corrupt or too large image) are all collected and refused
     * together; limits of the whole archive (entries, expansion, pixel budget) stop at once.
     */
    public static ImageFolderArchive open(Path file, String archiveName, ImportLimits limits,
                                          ImportProgress progress) {
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new InvalidDatasetException("Not a zip archive: " + archiveName, e.getMessage(), e);
        } catch (IOException e) {
            throw new InvalidDatasetException("Cannot read " + archiveName, e.getMessage(), e);
        }
        try {
            if (zip.size() > limits.maxEntries()) {
                throw new InvalidDatasetException("Archive has too many entries",
                        archiveName + " has " + zip.size() + " entries; the limit is " + limits.maxEntries());
            }
            List<ZipEntry> files = new ArrayList<>();
            ImportProblems problems = new ImportProblems(archiveName);
            long declared = 0;
            for (Iterator<? extends ZipEntry> it = zip.entries().asIterator(); it.hasNext(); ) {
                ZipEntry e = it.next();
                String name = e.getName();
                try {
                    checkName(name);
                } catch (InvalidDatasetException refused) {
                    problems.add(refused);
                    continue;
                }
                if (e.isDirectory() || skipped(name)) {
                    continue;
                }
                if (e.getSize() >= 0) {
                    declared += e.getSize();
                    checkRatio(e, e.getSize(), limits.maxCompressionRatio());
                    if (e.getSize() > maxEntryBytes(limits)) {
                        throw entryTooLarge(e, limits);
                    }
                }
                files.add(e);
            }
            if (declared > limits.maxUncompressedBytes()) {
                throw new InvalidDatasetException(DomainError.Kind.TOO_LARGE, "Archive expands beyond the limit",
                        archiveName + " declares " + declared + " bytes uncompressed; the limit is "
                                + limits.maxUncompressedBytes() + " bytes (rationale.import.max-uncompressed-size)");
            }
            if (files.isEmpty()) {
                problems.throwIfAny();
                throw new InvalidDatasetException("Archive holds no images",
                        archiveName + " is empty; expected <class>/<image> entries");
            }
            files.sort(Comparator.comparing(ZipEntry::getName));
            String strip = commonTopFolderToStrip(files);
            TreeSet<String> classNames = new TreeSet<>();
            List<String> classOfFile = new ArrayList<>();
            for (ZipEntry e : files) {
                String rel = e.getName().substring(strip.length());
                int slash = rel.indexOf('/');
                if (slash <= 0) {
                    problems.add(new InvalidDatasetException("Image outside a class folder: " + e.getName(),
                            "Put every image in a folder named after its class, such as cat/"
                                    + rel + "; files at the top level are not allowed"));
                    classOfFile.add(null);
                    continue;
                }
                String cls = rel.substring(0, slash);
                classNames.add(cls);
                classOfFile.add(cls);
            }
            List<String> classes = new ArrayList<>(classNames);
            int[] labels = new int[files.size()];
            for (int i = 0; i < files.size(); i++) {
                labels[i] = classOfFile.get(i) == null ? -1 : classes.indexOf(classOfFile.get(i));
            }
            ImageFolderArchive archive = new ImageFolderArchive(zip, archiveName, limits, files, classes, labels);
            archive.checkDecodedSize(file, problems, progress);
            problems.throwIfAny();
            return archive;
        } catch (RuntimeException e) {
            try {
                zip.close();
            } catch (IOException ignored) {
                // the original failure is what matters
            }
            throw e;
        }
    }

    /** Refuses names that would land outside the folder the archive is extracted into. */
    static void checkName(String name) {
        String n = name.replace('\\', '/');
        boolean escapes = n.startsWith("/") || n.matches("^[A-Za-z]:.*") || n.indexOf('\0') >= 0;
        for (String part : n.split("/")) {
            if (part.equals("..")) {
                escapes = true;
            }
        }
        if (escapes) {
            throw new InvalidDatasetException("Archive entry escapes the target folder: " + name,
                    "Entries must be relative paths without '..'");
        }
    }

    private static boolean skipped(String name) {
        if (name.startsWith("__MACOSX/")) {
            return true;
        }
        String last = name.substring(name.lastIndexOf('/') + 1);
        return last.startsWith(".") || last.equalsIgnoreCase("Thumbs.db") || last.equalsIgnoreCase("desktop.ini");
    }

    private static void checkRatio(ZipEntry e, long bytes, int maxRatio) {
        long compressed = Math.max(1, e.getCompressedSize());
        if (bytes > RATIO_FLOOR_BYTES && bytes / compressed > maxRatio) {
            throw new InvalidDatasetException("Suspicious compression ratio (zip bomb?): " + e.getName(),
                    "The entry expands " + (bytes / compressed) + " times; the limit is " + maxRatio
                            + " (rationale.import.max-compression-ratio)");
        }
    }

    /** One top folder shared by all entries is stripped when every image still sits in a class folder below it. */
    private static String commonTopFolderToStrip(List<ZipEntry> files) {
        String first = files.get(0).getName();
        int slash = first.indexOf('/');
        if (slash <= 0) {
            return "";
        }
        String top = first.substring(0, slash + 1);
        for (ZipEntry e : files) {
            String n = e.getName();
            if (!n.startsWith(top) || n.indexOf('/', top.length()) < 0) {
                return "";
            }
        }
        return top;
    }

    /** Below this many decoded pixels an archive is not judged by its pixels per stored byte. */
    private static final long PIXEL_RATIO_FLOOR = 64L << 20;

    /**
     * The first pass: every image's width and height from its header, summed over the archive and
     * checked against the limits on one image, on the whole import, and on pixels per byte of the
     * archive (images that decode to a thousand times their size are a bomb, not a dataset).
     */
    private void checkDecodedSize(Path file, ImportProblems problems, ImportProgress progress) {
        long total = 0;
        int checked = 0;
        progress.update(ImportProgress.Stage.CHECKING, 0, images.size());
        for (ZipEntry e : images) {
            progress.update(ImportProgress.Stage.CHECKING, checked++, images.size());
            long[] size;
            try {
                size = imageSize(e);
            } catch (DomainError refused) {
                problems.add(refused);
                continue;
            }
            long pixels = size[0] * size[1];
            if (sizes.size() < 8) {
                sizes.add(size[0] + "×" + size[1]);
            }
            if (pixels > limits.maxImagePixels()) {
                problems.add(new InvalidDatasetException(DomainError.Kind.TOO_LARGE, "Image too large: " + e.getName(),
                        size[0] + " x " + size[1] + " pixels is over the limit of " + limits.maxImagePixels()
                                + " pixels per image (rationale.import.max-image-pixels)"));
                continue;
            }
            total += pixels;
            if (total > limits.maxTotalPixels()) {
                throw new InvalidDatasetException(DomainError.Kind.TOO_LARGE, "Import exceeds the pixel budget: " + archiveName,
                        "Its images decode to more than " + limits.maxTotalPixels() + " pixels (reached at "
                                + e.getName() + "); the limit is " + limits.maxTotalPixels()
                                + " decoded pixels per import (rationale.import.max-total-pixels)");
            }
        }
        progress.update(ImportProgress.Stage.CHECKING, images.size(), images.size());
        long stored;
        try {
            stored = Math.max(1, Files.size(file));
        } catch (IOException ex) {
            throw new InvalidDatasetException("Cannot read " + archiveName, ex.getMessage(), ex);
        }
        if (total > PIXEL_RATIO_FLOOR && total / stored > limits.maxCompressionRatio()) {
            throw new InvalidDatasetException(DomainError.Kind.TOO_LARGE, "Images expand beyond the compression limit: " + archiveName,
                    "Its " + stored + " bytes decode to " + total + " pixels, " + (total / stored)
                            + " pixels per byte; the limit is " + limits.maxCompressionRatio()
                            + " (rationale.import.max-compression-ratio)");
        }
    }

    /** Width and height from an image's header; the entry is read only as far as the header goes. */
    private long[] imageSize(ZipEntry e) {
        try (InputStream raw = zip.getInputStream(e);
             ImageInputStream iis = new MemoryCacheImageInputStream(
                     new BoundedEntry(raw, e))) {
            return ImageCodec.size(iis, e.getName());
        } catch (DomainError ex) {
            throw ex;
        } catch (IOException | RuntimeException ex) {
            throw new InvalidDatasetException("Corrupt image: " + e.getName(),
                    "Its header cannot be read as a PNG or JPEG image", ex);
        }
    }

    /** An entry's stream that refuses to expand past what one image file may hold, or past the ratio. */
    private final class BoundedEntry extends FilterInputStream {
        private final ZipEntry entry;
        private long read;

        BoundedEntry(InputStream in, ZipEntry entry) {
            super(in);
            this.entry = entry;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) {
            read += n;
            checkRatio(entry, read, limits.maxCompressionRatio());
            if (read > maxEntryBytes(limits)) {
                throw entryTooLarge(entry, limits);
            }
        }
    }

    /** Images per class of this archive, by its own label (the sorted folder names). */
    public long[] countsByClass() {
        long[] counts = new long[classes.size()];
        for (int label : labelOfEntry) {
            counts[label]++;
        }
        return counts;
    }

    /** The distinct sizes of the images, as read from their headers (at most the first few). */
    public List<String> sizes() {
        return List.copyOf(sizes);
    }

    @Override
    public String format() {
        return "image-folder";
    }

    @Override
    public List<String> classNames() {
        return classes;
    }

    @Override
    public LabelKind labelKind() {
        return LabelKind.NAMED;
    }

    @Override
    public int expectedCount() {
        return images.size();
    }

    @Override
    public boolean hasNext() {
        return order.hasNext();
    }

    @Override
    public LabelledImage next() {
        if (!order.hasNext()) {
            throw new NoSuchElementException();
        }
        int i = order.next();
        ZipEntry e = images.get(i);
        byte[] bytes = readBounded(e);
        ImageCodec.Pixels px = ImageCodec.decode(bytes, e.getName(), limits.maxImagePixels());
        decodedPixels += (long) px.width() * px.height();
        if (decodedPixels > limits.maxTotalPixels()) {
            // the headers promised less than the images hold
            throw new InvalidDatasetException(DomainError.Kind.TOO_LARGE, "Import exceeds the pixel budget: " + archiveName,
                    "Its images decode to more than " + limits.maxTotalPixels()
                            + " pixels; the limit is " + limits.maxTotalPixels()
                            + " decoded pixels per import (rationale.import.max-total-pixels)");
        }
        return new LabelledImage(px.width(), px.height(), px.channels(), px.data(), labelOfEntry[i], e.getName(), null);
    }

    /** No image file is larger than its pixels at four bytes each, plus room for headers. */
    private static long maxEntryBytes(ImportLimits limits) {
        return Math.min(Integer.MAX_VALUE - 16L, limits.maxImagePixels() * 4 + (1 << 20));
    }

    private static InvalidDatasetException entryTooLarge(ZipEntry e, ImportLimits limits) {
        return new InvalidDatasetException(DomainError.Kind.TOO_LARGE, "Archive entry too large: " + e.getName(),
                "An image file may have at most " + maxEntryBytes(limits) + " bytes (4 bytes per pixel of "
                        + "rationale.import.max-image-pixels, plus 1 MiB)");
    }

    /** Reads one entry, counting what it really expands to (declared sizes can lie). */
    private byte[] readBounded(ZipEntry e) {
        try (InputStream in = zip.getInputStream(e)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(
                    (int) Math.min(Math.max(e.getSize(), 8192), 1 << 24));
            byte[] buf = new byte[1 << 16];
            long n = 0;
            int r;
            while ((r = in.read(buf)) > 0) {
                n += r;
                expanded += r;
                if (expanded > limits.maxUncompressedBytes()) {
                    throw new InvalidDatasetException(DomainError.Kind.TOO_LARGE, "Archive expands beyond the limit",
                            archiveName + " expands to more than " + limits.maxUncompressedBytes()
                                    + " bytes (rationale.import.max-uncompressed-size)");
                }
                checkRatio(e, n, limits.maxCompressionRatio());
                if (n > maxEntryBytes(limits)) {
                    throw entryTooLarge(e, limits);
                }
                out.write(buf, 0, r);
            }
            return out.toByteArray();
        } catch (ZipException ex) {
            throw new InvalidDatasetException("Corrupt archive entry: " + e.getName(), ex.getMessage(), ex);
        } catch (IOException ex) {
            throw new InvalidDatasetException("Cannot read archive entry: " + e.getName(), ex.getMessage(), ex);
        }
    }

    @Override
    public void close() throws IOException {
        zip.close();
    }
}
