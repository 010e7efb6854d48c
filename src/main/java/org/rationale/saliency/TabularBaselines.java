package org.rationale.saliency;

import org.rationale.error.Invalid;
import org.rationale.explain.ExplainableModel;
import org.rationale.explain.TabularInput;
import org.rationale.explain.UnsupportedMethodException;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Baselines of a table model's rows ({@link TabularInput}): {@code zeros}, {@code mean} (the
 * training split's encoded, standardised mean row; the default) or {@code sample}: up to
 * {@code references} training rows, a seeded draw, over which a method averages (expected-gradients
 * style: its attributions then sum to f(x) − mean over the rows of f(row)). Also how a feature's value
 * is spread over its columns, and the parameters every method with a table baseline takes.
 */
final class TabularBaselines {

    static final String ZEROS = "zeros";
    static final String MEAN = "mean";
    static final String SAMPLE = "sample";
    static final List<String> NAMES = List.of(ZEROS, MEAN, SAMPLE);
    /** Reference rows a {@code sample} baseline averages over at most. */
    static final int MAX_REFERENCES = 100;
    /** Model evaluations one row's attribution may take at most (every method, every baseline row). */
    static final long MAX_EVALUATIONS = 2_000_000;
    /**
     * Input values one row's attribution may feed the model (evaluations × input columns): on a wide
     * table the evaluations alone would let 4·10⁹ values through (a minute of one core, gigabytes of the
     * engine's memory); 2.56·10⁸ is a few seconds. A table of up to 128 columns never reaches it first.
     */
    static final long MAX_INPUT_VALUES = 256_000_000;

    static final String FOR_TABLES = "is for table models; this model takes images";
    static final String FOR_IMAGES = "is for image models; this model takes table rows";

    private TabularBaselines() {
    }

    /** Adds {@code baseline} (default mean), {@code references} and {@code seed} to a table model's parameters. */
    static MethodParameters.Spec declare(MethodParameters.Spec spec) {
        return spec.choice("baseline", MEAN, NAMES)
                .misplaced("baseline", Baselines.NAMES, FOR_IMAGES)
                .integer("references", 16, 1, MAX_REFERENCES)
                .integer("seed", 0, 0, Integer.MAX_VALUE);
    }

    /** The model's table input, or a 422 saying the method attributes table features and this model takes images. */
    static TabularInput of(ExplainableModel model, String method) {
        return model.tabular().orElseThrow(() -> new UnsupportedMethodException(imagesRefused(method)));
    }

    /** Why a method that attributes the features of a table model cannot run on an image model. */
    static String imagesRefused(String method) {
        return method + " attributes the features of a table model; this model takes images";
    }

    /**
     * The baseline rows (F values each) a method runs against: one for zeros and mean; for sample, the
     * first {@code references} rows of a seeded shuffle of the reference rows (all of them, in order,
     * when there are no more than that).
     */
    static float[][] rows(MethodParameters params, TabularInput t, String method) {
        String name = params.text("baseline");
        int f = t.columns();
        return switch (name) {
            case ZEROS -> new float[][] {new float[f]};
            case MEAN -> new float[][] {t.mean().clone()};
            case SAMPLE -> draw(t.referenceRows(), params.integer("references"), params.integer("seed"));
            default -> throw new Invalid("Invalid baseline '" + name + "' for " + method,
                    "baseline '" + name + "' " + FOR_IMAGES + "; baseline is one of: " + String.join(", ", NAMES));
        };
    }

    private static float[][] draw(float[][] rows, int count, long seed) {
        if (count >= rows.length) {
            float[][] all = new float[rows.length][];
            for (int i = 0; i < rows.length; i++) {
                all[i] = rows[i].clone();
            }
            return all;
        }
        int[] order = new int[rows.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Random r = new Random(seed);
        float[][] out = new float[count][];
        for (int i = 0; i < count; i++) {
            int j = i + r.nextInt(order.length - i);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
            out[i] = rows[order[i]].clone();
        }
        return out;
    }

    /**
     * A 400 naming {@code samples} when one row's attribution would take more than {@link
     * #MAX_EVALUATIONS} model evaluations, or feed the model more than {@link #MAX_INPUT_VALUES} values
     * (evaluations × the row's {@code columns}).
     */
    static void requireBounded(String method, long evaluations, int columns, String what) {
        if (evaluations > MAX_EVALUATIONS) {
            throw new Invalid("Too much work for " + method + " on this model",
                    method + " would take " + evaluations + " model evaluations a row (" + what + "); at most "
                            + MAX_EVALUATIONS + ": lower samples or references");
        }
        if (evaluations * columns > MAX_INPUT_VALUES) {
            throw new Invalid("Too much work for " + method + " on this model",
                    method + " would feed the model " + evaluations * columns + " values a row (" + what + ", "
                            + columns + " input columns each); at most " + MAX_INPUT_VALUES
                            + ": lower samples or references");
        }
    }

    /** The input columns of each feature, in column order. */
    static int[][] columnsOf(TabularInput t) {
        List<List<Integer>> cols = new ArrayList<>();
        for (int g = 0; g < t.features().size(); g++) {
            cols.add(new ArrayList<>());
        }
        for (int c = 0; c < t.columns(); c++) {
            cols.get(t.featureOfColumn()[c]).add(c);
        }
        int[][] out = new int[cols.size()][];
        for (int g = 0; g < out.length; g++) {
            out[g] = cols.get(g).stream().mapToInt(Integer::intValue).toArray();
        }
        return out;
    }

    /**
     * Spreads each feature's value over its columns, in proportion to how far the row is from the
     * baselines on each column (mean |x − b| over the baseline rows; equally when the row equals them
     * on every column), so that {@link TabularInput#perFeature} gives each feature's value back.
     *
     * @param x       the row's F values, from {@code offset}
     * @param out     F column values written from {@code offset}
     */
    static void spread(double[] perFeature, int[][] columns, float[] x, int offset, float[][] bases, float[] out) {
        for (int g = 0; g < columns.length; g++) {
            int[] cols = columns[g];
            double[] distance = new double[cols.length];
            double total = 0;
            for (int k = 0; k < cols.length; k++) {
                for (float[] b : bases) {
                    distance[k] += Math.abs((double) x[offset + cols[k]] - b[cols[k]]);
                }
                total += distance[k];
            }
            for (int k = 0; k < cols.length; k++) {
                double share = total > 0 ? distance[k] / total : 1.0 / cols.length;
                out[offset + cols[k]] = (float) (perFeature[g] * share);
            }
        }
    }
}
