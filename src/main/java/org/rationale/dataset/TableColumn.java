package org.rationale.dataset;

import java.util.List;

/**
 * One feature column of a tabular dataset (CSV), as imported: its name, its type and, for a
 * categorical column, its categories in the order the encoding uses (one-hot columns named
 * {@code column=category}). A row's value of the column is a {@code Double} (numeric), a
 * {@code String} (categorical, one of the categories) or a {@code Boolean}.
 */
public record TableColumn(String name, Type type, List<String> categories) {

    /** How a column's cells are read. */
    public enum Type { NUMERIC, CATEGORICAL, BOOLEAN }

    public TableColumn {
        categories = categories == null ? List.of() : List.copyOf(categories);
    }
}
