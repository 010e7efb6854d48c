package org.rationale.saliency;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * The colormaps of saliency maps: 256-entry RGB lookup tables read from {@code map-rendering.json},
 * the file the review canvas imports too ({@code frontend/saliency/}), so both colour alike.
 */
public enum Colormap {
    /** matplotlib's inferno: black through red to pale yellow; sequential. */
    INFERNO,
    /** matplotlib's viridis: purple through green to yellow; sequential. */
    VIRIDIS,
    /** Moreland's cool-warm: blue through grey to red; diverging. */
    COOLWARM;

    /** Entries of every lookup table. */
    public static final int SIZE = 256;

    /** The name the canvas and the JSON use. */
    public String clientName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Entry {@code index} (0 to 255) as 0xRRGGBB. */
    public int rgb(int index) {
        return Tables.RGB.get(this)[index];
    }

    /** Whether the map is diverging (grey in the middle, for signed values) rather than sequential. */
    public boolean diverging() {
        return Tables.DIVERGING.get(this);
    }

    /** Read on first use, apart from the enum so that its constants exist first. */
    private static final class Tables {
        static final Map<Colormap, int[]> RGB = new EnumMap<>(Colormap.class);
        static final Map<Colormap, Boolean> DIVERGING = new EnumMap<>(Colormap.class);

        static {
            JsonNode maps = MapRendering.source().path("colormaps");
            for (Colormap c : values()) {
                JsonNode entry = maps.path(c.clientName());
                JsonNode rgb = entry.path("rgb");
                if (rgb.size() != SIZE) {
                    throw new IllegalStateException("map-rendering.json: colormap " + c.clientName() + " has "
                            + rgb.size() + " entries, not " + SIZE);
                }
                int[] table = new int[SIZE];
                for (int i = 0; i < SIZE; i++) {
                    JsonNode e = rgb.get(i);
                    table[i] = e.get(0).intValue() << 16 | e.get(1).intValue() << 8 | e.get(2).intValue();
                }
                RGB.put(c, table);
                DIVERGING.put(c, entry.path("diverging").asBoolean());
            }
        }
    }
}
