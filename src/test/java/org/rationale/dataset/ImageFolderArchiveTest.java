package org.rationale.dataset;

import org.rationale.error.DomainError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rationale.imaging.ImageCodec;
import org.rationale.testing.Fixtures;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The archive's first pass: image headers are checked against the limits before any image is decoded. */
class ImageFolderArchiveTest {

    private static final ImportLimits GENEROUS = new ImportLimits(1L << 32, 200, 1000, 40_000_000, 2_000_000_000L);

    @TempDir
    Path dir;

    /** {@code n} flat gray PNGs of {@code size} x {@code size} under {@code flat/}: a few KB each. */
    private Path flatImages(int n, int size) throws Exception {
        byte[] flat = ImageCodec.encodePng(size, size, 1, new byte[size * size]);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            entries.put("flat/" + i + ".png", flat);
        }
        return Files.write(dir.resolve("bomb.zip"), Fixtures.zip(entries));
    }

    @Test
    void refusesImagesThatDecodeToAThousandTimesTheArchiveWhenOpened() throws Exception {
        Path zip = flatImages(20, 2000); // 80 M pixels from about 100 KB
        long t0 = System.nanoTime();
        var e = assertThrows(InvalidDatasetException.class, () -> ImageFolderArchive.open(zip, "bomb.zip", GENEROUS));
        assertEquals(DomainError.Kind.TOO_LARGE, e.kind());
        assertTrue(e.getMessage().startsWith("Images expand beyond the compression limit: bomb.zip"), e.getMessage());
        assertTrue(e.detail().contains("rationale.import.max-compression-ratio"), e.detail());
        // headers only: decoding 80 M pixels alone would take longer
        assertTrue(System.nanoTime() - t0 < 3_000_000_000L, "the first pass decoded images");
    }

    @Test
    void refusesArchiveOverThePixelBudgetWhenOpened() throws Exception {
        Path zip = flatImages(3, 1000);
        var limits = new ImportLimits(1L << 32, 200, 1000, 40_000_000, 2_500_000);
        var e = assertThrows(InvalidDatasetException.class, () -> ImageFolderArchive.open(zip, "bomb.zip", limits));
        assertEquals(DomainError.Kind.TOO_LARGE, e.kind());
        assertTrue(e.detail().contains("2500000 decoded pixels per import (rationale.import.max-total-pixels)"), e.detail());
        try (var ok = ImageFolderArchive.open(zip, "bomb.zip", new ImportLimits(1L << 32, 200, 1000, 40_000_000, 3_000_000))) {
            assertEquals(3, ok.expectedCount());
            assertEquals(1000, ok.next().width());
        }
    }
}
