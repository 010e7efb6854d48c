package org.rationale.saliency;

import org.rationale.error.Invalid;

import java.util.function.IntSupplier;

/**
 * The class a map explains, as a request names it: {@code predicted} (also when blank), {@code label}
 * (the sample's label) or a class index. Jobs check the rule when they are submitted; each map
 * resolves it for its sample.
 */
public final class Targets {

    public static final String PREDICTED = "predicted";
    public static final String LABEL = "label";

    private Targets() {
    }

    /** The rule a request names, stripped ({@code predicted} when blank); anything else is {@link Invalid}. */
    public static String rule(String target) {
        String t = target == null || target.isBlank() ? PREDICTED : target.strip();
        if (!t.equals(PREDICTED) && !t.equals(LABEL) && !t.matches("\\d{1,6}")) {
            throw new Invalid("Invalid target '" + target + "'", "Use predicted, label or a class index");
        }
        return t;
    }

    /**
     * The class index the rule names for one sample of a model with {@code classes} classes.
     *
     * @param predicted the model's predicted class; read only for the rule {@code predicted}
     */
    static int resolve(String target, int label, IntSupplier predicted, int classes) {
        String t = rule(target);
        int out = t.equals(PREDICTED) ? predicted.getAsInt() : t.equals(LABEL) ? label : Integer.parseInt(t);
        if (out < 0 || out >= classes) {
            throw new Invalid("Invalid target " + out, "The model has classes 0 to " + (classes - 1));
        }
        return out;
    }
}
