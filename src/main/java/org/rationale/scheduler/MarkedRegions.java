package org.rationale.scheduler;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;

/**
 * The regions experts marked as shortcuts, on the model's grid, as the scheduler tests them on
 * samples nobody has reviewed: the union of every painted {@code shortcut} mask, split into its
 * connected parts (4-neighbours), the parts marked most often first, at most {@link #MOST} of them.
 * Two sets of masks that make the same parts share a {@link #key}: a test of a sample under a model
 * is valid for both.
 */
public final class MarkedRegions {

    /** Most regions tested per sample: the cost of one sample is at most this many measurements. */
    public static final int MOST = 4;

    private static final MarkedRegions NONE = new MarkedRegions(List.of(), 0, 0);

    private final List<byte[]> regions;
    private final int width;
    private final int height;

    private MarkedRegions(List<byte[]> regions, int width, int height) {
        this.regions = regions;
        this.width = width;
        this.height = height;
    }

    /** No region marked. */
    public static MarkedRegions none() {
        return NONE;
    }

    /**
     * The parts of the union of these masks (one byte per grid cell, non-zero inside; masks of
     * another size are left out), ordered by how many masks touch each (then by their first cell).
     */
    public static MarkedRegions of(Collection<byte[]> masks, int width, int height) {
        return of(masks, width, height, true);
    }

    /**
     * The features marked in these masks over a row's F features (one byte per feature, in the
     * model's order), each feature its own region (neighbouring features have nothing in common),
     * the most often marked first.
     */
    public static MarkedRegions ofFeatures(Collection<byte[]> masks, int features) {
        return of(masks, features, 1, false);
    }

    private static MarkedRegions of(Collection<byte[]> masks, int width, int height, boolean connected) {
        int cells = width * height;
        if (cells <= 0) {
            return NONE;
        }
        int[] marks = new int[cells];
        List<byte[]> usable = new ArrayList<>();
        for (byte[] m : masks) {
            if (m != null && m.length == cells) {
                usable.add(m);
                for (int p = 0; p < cells; p++) {
                    if (m[p] != 0) {
                        marks[p]++;
                    }
                }
            }
        }
        int[] part = new int[cells];
        Arrays.fill(part, -1);
        List<int[]> found = new ArrayList<>();
        int[] stack = new int[cells];
        for (int start = 0; start < cells; start++) {
            if (marks[start] == 0 || part[start] >= 0) {
                continue;
            }
            int id = found.size();
            int top = 0;
            stack[top++] = start;
            part[start] = id;
            while (top > 0) {
                int p = stack[--top];
                int x = p % width;
                int y = p / width;
                int[] next = !connected ? new int[0] : new int[] {x > 0 ? p - 1 : -1, x < width - 1 ? p + 1 : -1,
                        y > 0 ? p - width : -1, y < height - 1 ? p + width : -1};
                for (int q : next) {
                    if (q >= 0 && marks[q] > 0 && part[q] < 0) {
                        part[q] = id;
                        stack[top++] = q;
                    }
                }
            }
            found.add(new int[] {id, 0, start});
        }
        for (byte[] m : usable) {
            boolean[] touched = new boolean[found.size()];
            for (int p = 0; p < cells; p++) {
                if (m[p] != 0 && !touched[part[p]]) {
                    touched[part[p]] = true;
                    found.get(part[p])[1]++;
                }
            }
        }
        found.sort((a, b) -> a[1] != b[1] ? Integer.compare(b[1], a[1]) : Integer.compare(a[2], b[2]));
        List<byte[]> out = new ArrayList<>();
        for (int[] f : found.subList(0, Math.min(MOST, found.size()))) {
            byte[] region = new byte[cells];
            for (int p = 0; p < cells; p++) {
                if (part[p] == f[0]) {
                    region[p] = 1;
                }
            }
            out.add(region);
        }
        return new MarkedRegions(List.copyOf(out), width, height);
    }

    public int size() {
        return regions.size();
    }

    public boolean isEmpty() {
        return regions.isEmpty();
    }

    /** Region {@code r}, one byte per grid cell. */
    public byte[] region(int r) {
        return regions.get(r);
    }

    /**
     * A key of the regions: the SHA-256 of the grid size and of every region's cells in order, so
     * equal regions give equal keys and different regions (in practice) never share one; a key of
     * hash codes would let two region sets collide and hand one set the other's tests.
     */
    public String key() {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        sha.update(ByteBuffer.allocate(12).putInt(width).putInt(height).putInt(regions.size()).array());
        for (byte[] r : regions) {
            byte[] cells = new byte[r.length];
            for (int p = 0; p < r.length; p++) {
                cells[p] = (byte) (r[p] != 0 ? 1 : 0);
            }
            sha.update(cells);
        }
        return width + "x" + height + ":" + HexFormat.of().formatHex(sha.digest());
    }

    /**
     * Which regions the map's gradient evidence says little about: those whose share of the map's
     * positive mass is at or below their share of the grid (no more than a uniform map puts there),
     * as bits (bit {@code r} for region {@code r}); 0 for a map of another size.
     */
    public int weakIn(float[] map) {
        if (map == null || map.length != width * height) {
            return 0;
        }
        int bits = 0;
        for (int r = 0; r < regions.size(); r++) {
            byte[] region = regions.get(r);
            double area = cells(region) / (double) region.length;
            if (Localisation.massInside(map, region) <= area) {
                bits |= 1 << r;
            }
        }
        return bits;
    }

    private static int cells(byte[] region) {
        int n = 0;
        for (byte b : region) {
            if (b != 0) {
                n++;
            }
        }
        return n;
    }
}
