package org.rationale.dataset;

import org.rationale.config.RationaleConfig;

/**
 * What one import may make the server read and decode ({@code rationale.import.*}). Readers check
 * declared sizes (IDX headers, zip directories, image headers) against these before anything is
 * allocated or decoded, and count what the data really expands to while reading.
 *
 * @param maxUncompressedBytes bytes the files may expand to (an IDX pair, or all entries of an archive)
 * @param maxCompressionRatio  expanded bytes (or decoded pixels) per stored byte
 * @param maxEntries           entries of an archive, samples of an IDX pair
 * @param maxImagePixels       width times height of one image
 * @param maxTotalPixels       decoded pixels of the whole import
 */
public record ImportLimits(long maxUncompressedBytes, int maxCompressionRatio, int maxEntries, long maxImagePixels,
                           long maxTotalPixels) {

    public static ImportLimits of(RationaleConfig.Import c) {
        return new ImportLimits(c.maxUncompressedSize().asLongValue(), c.maxCompressionRatio(), c.maxEntries(),
                c.maxImagePixels(), c.maxTotalPixels());
    }

    /** True when {@code a × b} exceeds {@code limit}, without overflowing (a, b ≥ 0). */
    static boolean productExceeds(long a, long b, long limit) {
        return a != 0 && b > limit / a;
    }
}
