package org.rationale.explain;

import java.util.List;

/**
 * What attribution methods know of a tabular model's input beyond its width: how its F encoded
 * columns (the model's 1×1×F input, standardised) group into features — a categorical feature's
 * one-hot columns are one feature, every other column is its own — and the reference rows baselines
 * come from: {@code mean}, the encoded and standardised mean row of the training split (baseline
 * {@code mean}), and {@code referenceRows}, a seeded draw of encoded training rows (baseline
 * {@code sample}). Attributions stay per column; a feature's attribution is the sum over its columns
 * ({@link #perFeature}).
 *
 * @param features        feature names in input order, one per group (e.g. {@code site}, {@code radius_mean})
 * @param featureOfColumn for each input column, the index of its feature in {@code features}
 * @param mean            one value per input column
 * @param referenceRows   R rows of F values each, R ≥ 1
 */
public record TabularInput(List<String> features, int[] featureOfColumn, float[] mean, float[][] referenceRows) {

    public TabularInput {
        features = List.copyOf(features);
        if (mean.length != featureOfColumn.length) {
            throw new IllegalArgumentException("mean has " + mean.length + " values for " + featureOfColumn.length + " columns");
        }
        for (int f : featureOfColumn) {
            if (f < 0 || f >= features.size()) {
                throw new IllegalArgumentException("column of unknown feature " + f);
            }
        }
        if (referenceRows.length == 0) {
            throw new IllegalArgumentException("at least one reference row");
        }
        for (float[] r : referenceRows) {
            if (r.length != featureOfColumn.length) {
                throw new IllegalArgumentException("reference row of " + r.length + " values for " + featureOfColumn.length + " columns");
            }
        }
    }

    /** Every column its own feature, named by the given names; mean and the one reference row all zeros. */
    public static TabularInput ofColumns(List<String> names) {
        int[] groups = new int[names.size()];
        for (int i = 0; i < groups.length; i++) {
            groups[i] = i;
        }
        return new TabularInput(names, groups, new float[groups.length], new float[][] {new float[groups.length]});
    }

    /** Input columns. */
    public int columns() {
        return featureOfColumn.length;
    }

    /** Sums one sample's per-column attributions (F columns) into one value per feature. */
    public float[] perFeature(float[] columnValues) {
        if (columnValues.length != featureOfColumn.length) {
            throw new IllegalArgumentException(columnValues.length + " values for " + featureOfColumn.length + " columns");
        }
        float[] out = new float[features.size()];
        for (int c = 0; c < columnValues.length; c++) {
            out[featureOfColumn[c]] += columnValues[c];
        }
        return out;
    }
}
