package org.rationale.model;

import org.rationale.dataset.TableColumn;
import org.rationale.error.Invalid;
import org.rationale.error.Unprocessable;
import org.rationale.explain.TabularInput;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How a tabular model's spec reads a project's table rows: each of the spec's features resolved to
 * the column it comes from (a numeric or boolean column by its name, a categorical column's one-hot
 * column as {@code column=category}), and the features as attributions name them, one per column
 * of the table (a categorical column's one-hot columns are one feature, named by the column).
 * A row is encoded as numeric value, boolean 1 or 0, one-hot 1 or 0, then {@code (v − mean) / std}
 * per input column. A row whose category the spec has no one-hot column for encodes as 0 in every
 * one-hot column of that column (before standardisation): the model sees "none of the categories it
 * knows".
 */
public final class TableEncoding {

    /** One input column of the model: the table column it reads and, for a one-hot column, its category. */
    private record Input(String column, TableColumn.Type type, String category) {
    }

    private final TabularSpec spec;
    private final List<Input> inputs;
    private final TabularInput layout;

    private TableEncoding(TabularSpec spec, List<Input> inputs) {
        this.spec = spec;
        this.inputs = inputs;
        Map<String, Integer> groups = new LinkedHashMap<>();
        int[] featureOfColumn = new int[inputs.size()];
        for (int i = 0; i < inputs.size(); i++) {
            featureOfColumn[i] = groups.computeIfAbsent(inputs.get(i).column(), c -> groups.size());
        }
        this.layout = new TabularInput(List.copyOf(groups.keySet()), featureOfColumn, new float[inputs.size()],
                new float[][] {new float[inputs.size()]});
    }

    /**
     * Resolves every feature of the spec against the project's table columns; a feature that names
     * no column, a categorical column without its category, or a category the column does not have
     * is a 400 that names it (the first few of them) and says how features are named.
     *
     * @param project the project's name, for the message
     */
    public static TableEncoding of(TabularSpec spec, List<TableColumn> columns, String project) {
        if (columns.isEmpty()) {
            throw new Invalid("No table to check the features against", "Project '" + project + "' has no table "
                    + "yet: import a CSV first; the spec's features are checked against its columns");
        }
        Map<String, TableColumn> byName = new LinkedHashMap<>();
        columns.forEach(c -> byName.putIfAbsent(c.name(), c));
        List<Input> inputs = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (String f : spec.features()) {
            TableColumn exact = byName.get(f);
            if (exact != null && exact.type() != TableColumn.Type.CATEGORICAL) {
                inputs.add(new Input(f, exact.type(), null));
                continue;
            }
            if (exact != null) {
                problems.add("'" + f + "' is categorical: name its one-hot columns " + oneHotNames(exact));
                continue;
            }
            Input hot = null;
            String wrongCategory = null;
            for (TableColumn c : columns) {
                if (c.type() == TableColumn.Type.CATEGORICAL && f.startsWith(c.name() + "=")) {
                    String category = f.substring(c.name().length() + 1);
                    if (c.categories().contains(category)) {
                        hot = new Input(c.name(), c.type(), category);
                        break;
                    }
                    wrongCategory = "'" + f + "': column " + c.name() + " has no category '" + category
                            + "' (its one-hot columns: " + oneHotNames(c) + ")";
                }
            }
            if (hot != null) {
                inputs.add(hot);
            } else {
                problems.add(wrongCategory != null ? wrongCategory : "'" + f + "' is not a column");
            }
        }
        if (!problems.isEmpty()) {
            String shown = problems.stream().limit(5).collect(Collectors.joining("; "));
            throw new Invalid("Features not in the project's tables", (problems.size() == 1 ? "1 feature" :
                    problems.size() + " features") + " of the spec " + (problems.size() == 1 ? "is" : "are")
                    + " not among the columns of project '" + project + "': " + shown
                    + (problems.size() > 5 ? "; and " + (problems.size() - 5) + " more" : "")
                    + ". Name a numeric or boolean column by its name and a categorical column's one-hot "
                    + "columns as column=category; the columns are " + columnNames(columns));
        }
        return new TableEncoding(spec, inputs);
    }

    /**
     * Every column of the tables as model inputs, in table order: a numeric or boolean column by its
     * name, a categorical column as its one-hot columns {@code column=category} in the order of its
     * categories. The platform's MLP reads rows so; an uploaded model's spec starts from it.
     */
    public static List<String> allInputs(List<TableColumn> columns) {
        List<String> features = new ArrayList<>();
        for (TableColumn c : columns) {
            if (c.type() == TableColumn.Type.CATEGORICAL) {
                c.categories().forEach(k -> features.add(c.name() + "=" + k));
            } else {
                features.add(c.name());
            }
        }
        return features;
    }

    private static String oneHotNames(TableColumn c) {
        return c.categories().stream().limit(5).map(k -> c.name() + "=" + k).collect(Collectors.joining(", "))
                + (c.categories().size() > 5 ? ", …" : "");
    }

    private static String columnNames(List<TableColumn> columns) {
        return columns.stream().limit(10).map(c -> c.name() + " (" + c.type().name().toLowerCase(Locale.ROOT) + ")")
                .collect(Collectors.joining(", ")) + (columns.size() > 10 ? " and " + (columns.size() - 10) + " more" : "");
    }

    /** The spec this encoding reads rows for. */
    public TabularSpec spec() {
        return spec;
    }

    /** Input columns, F. */
    public int width() {
        return inputs.size();
    }

    /** The features attributions name, one per table column the spec reads, in the order of their first input column. */
    public List<String> features() {
        return layout.features();
    }

    /** For each input column, the index of its feature in {@link #features()}. */
    public int[] featureOfColumn() {
        return layout.featureOfColumn().clone();
    }

    /** One row's per-column values (F) summed into one value per feature. */
    public float[] perFeature(float[] columnValues) {
        return layout.perFeature(columnValues);
    }

    /** The layout of the model's input with its reference rows (see {@link TabularInput}). */
    public TabularInput withReference(float[] mean, float[][] referenceRows) {
        return new TabularInput(layout.features(), layout.featureOfColumn().clone(), mean, referenceRows);
    }

    /**
     * A row's values (by column: Double, Boolean or String) as the model's standardised input, F
     * values; a row without a value of a column the spec reads, or with a value of another type, is
     * a 422 naming the sample and the column; so is a standardised value beyond float32 (a spec's
     * tiny std), which the model would read as infinite.
     */
    public float[] encode(long sampleId, Map<String, Object> row) {
        float[] out = new float[inputs.size()];
        for (int i = 0; i < out.length; i++) {
            Input in = inputs.get(i);
            Object v = row.get(in.column());
            double raw;
            if (v == null) {
                throw new Unprocessable("Row without a feature", "Sample " + sampleId + " has no value of column '"
                        + in.column() + "', which model '" + spec.name() + "' reads");
            } else if (in.type() == TableColumn.Type.CATEGORICAL && v instanceof String s) {
                raw = s.equals(in.category()) ? 1 : 0;
            } else if (in.type() == TableColumn.Type.BOOLEAN && v instanceof Boolean b) {
                raw = b ? 1 : 0;
            } else if (in.type() == TableColumn.Type.NUMERIC && v instanceof Double d && Double.isFinite(d)) {
                raw = d;
            } else {
                throw new Unprocessable("Row value of another type", "Sample " + sampleId + " has '" + v
                        + "' in column '" + in.column() + "', which model '" + spec.name() + "' reads as "
                        + in.type().name().toLowerCase(Locale.ROOT));
            }
            out[i] = (float) ((raw - spec.mean().get(i)) / spec.std().get(i));
            if (!Float.isFinite(out[i])) {
                throw new Unprocessable("Row beyond the model's input range", "Sample " + sampleId + ": input '"
                        + spec.features().get(i) + "' of model '" + spec.name() + "' is (" + raw + " − "
                        + spec.mean().get(i) + ") / " + spec.std().get(i) + ", beyond the range of float32; "
                        + "is the spec's std of that feature meant to be so small?");
            }
        }
        return out;
    }
}
