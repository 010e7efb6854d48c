package org.rationale.dataset;

import org.rationale.error.Invalid;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A set of a table row's features that an expert marked ({@code relevant} or {@code shortcut}): the
 * row counterpart of an image's painted mask. It is stored as the same kind of mask, one byte 0/1
 * per feature column of the row's dataset in that dataset's column order (a row is an image of
 * width = its columns, height 1), so agreement, overlap, undo and history work on rows unchanged.
 * A model may take its features in another order ({@code SaliencyMap.features}); {@link #inOrder}
 * lines a mask up with it by name.
 *
 * @param features the marked features' names, in the dataset's column order
 */
public record FeatureSet(List<String> features) {

    /** Most names one request may list (a dataset has at most as many columns as its import allows). */
    public static final int MOST_NAMES = 10_000;

    public FeatureSet {
        features = List.copyOf(features);
    }

    /**
     * The mask of these feature names over a dataset's columns.
     *
     * @throws Invalid when a name is missing, blank, repeated or not a column of the dataset, or there are too many
     */
    public static byte[] mask(List<TableColumn> columns, Collection<String> names) {
        if (names == null) {
            throw new Invalid("Missing features", "Send \"features\": the names of the marked columns, e.g. [\"site\"]");
        }
        if (names.size() > MOST_NAMES) {
            throw new Invalid("Too many features", names.size() + " names; a row has at most " + columns.size() + " features");
        }
        Set<String> seen = new LinkedHashSet<>();
        byte[] mask = new byte[columns.size()];
        for (String name : names) {
            if (name == null || name.isBlank()) {
                throw new Invalid("Blank feature name", "Every entry of \"features\" names a column of the row");
            }
            if (!seen.add(name)) {
                throw new Invalid("Feature named twice", "'" + shorten(name) + "' appears more than once in \"features\"");
            }
            int i = indexOf(columns, name);
            if (i < 0) {
                throw new Invalid("No such feature", "'" + shorten(name) + "' is not a column of this row; its columns are "
                        + shorten(String.join(", ", columns.stream().map(TableColumn::name).toList())));
            }
            mask[i] = 1;
        }
        return mask;
    }

    /** The features a mask over these columns marks, in column order; an all-zero mask marks none. */
    public static FeatureSet of(List<TableColumn> columns, byte[] mask) {
        if (mask.length != columns.size()) {
            throw new IllegalArgumentException("mask of " + mask.length + " for " + columns.size() + " columns");
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < mask.length; i++) {
            if (mask[i] != 0) {
                names.add(columns.get(i).name());
            }
        }
        return new FeatureSet(names);
    }

    /**
     * A mask over a dataset's columns re-indexed to another feature order (a model's): 1 where the
     * feature of that name is marked, 0 where it is unmarked or the dataset has no such column.
     */
    public static byte[] inOrder(List<TableColumn> columns, byte[] mask, List<String> features) {
        byte[] out = new byte[features.size()];
        for (int i = 0; i < out.length; i++) {
            int c = indexOf(columns, features.get(i));
            out[i] = c >= 0 && c < mask.length && mask[c] != 0 ? (byte) 1 : 0;
        }
        return out;
    }

    /** True when no feature is marked. */
    public boolean isEmpty() {
        return features.isEmpty();
    }

    private static int indexOf(List<TableColumn> columns, String name) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private static String shorten(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }
}
