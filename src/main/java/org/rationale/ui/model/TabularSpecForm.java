package org.rationale.ui.model;

import com.vaadin.flow.component.HasValidation;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import org.rationale.error.DomainError;
import org.rationale.model.TabularSpec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;

/**
 * The spec of an uploaded tabular model as a form: its name, its features in the model's input
 * order (one per line, the project's columns to start with), how each is standardised (by the
 * training rows' mean and std, not at all, or as listed) and, when listed, a mean and a std per
 * feature. A spec file sent with the model fills it. Every problem is shown at its field.
 */
final class TabularSpecForm extends Div {

    /** How the features reach the model. */
    enum Standardisation {
        TRAINING("Mean and std of the training rows (as the platform's MLP)"),
        NONE("None: the model takes the values as they are"),
        LISTED("Listed: a mean and a std per feature");

        final String label;

        Standardisation(String label) {
            this.label = label;
        }
    }

    /** Most characters of the features or of a list of numbers: 10,000 features of a few dozen characters each. */
    private static final int MAX_TEXT = 1_000_000;

    private final TextField name = new TextField("Model name");
    private final TextArea features = new TextArea("Features, in the model's input order");
    private final Select<Standardisation> standardisation = new Select<>();
    private final TextArea mean = new TextArea("Mean per feature");
    private final TextArea std = new TextArea("Std per feature");
    /** The classes of a spec file, which may name outputs beyond the project's classes; null: the project's. */
    private List<String> classesOfFile;

    TabularSpecForm() {
        setWidthFull();
        name.setId("upload-name");
        name.setHelperText("Versions of one name are numbered v1, v2, …");
        name.setWidth("360px");
        features.setId("upload-features-list");
        features.setWidthFull();
        features.setMaxHeight("16em");
        features.setMaxLength(MAX_TEXT);
        features.setHelperText("One per line. A numeric or boolean column by its name (a boolean is 1 or 0); a "
                + "categorical column as one line per category, column=category (1 for the row's category, else 0). "
                + "Leave out what the model does not read.");
        standardisation.setLabel("Standardisation");
        standardisation.setId("upload-standardisation");
        standardisation.setItems(Standardisation.values());
        standardisation.setItemLabelGenerator(s -> s.label);
        standardisation.setWidth("480px");
        standardisation.setHelperText("Each value reaches the model as (value − mean) / std of its feature");
        for (TextArea a : List.of(mean, std)) {
            a.setWidthFull();
            a.setMaxHeight("10em");
            a.setMaxLength(MAX_TEXT);
            a.setHelperText("Numbers separated by commas, spaces or new lines, one per feature in the order above");
        }
        mean.setId("upload-mean-list");
        std.setId("upload-std-list");
        standardisation.addValueChangeListener(e -> showListed());
        Paragraph hint = new Paragraph("A spec file (JSON, as the API takes it) fills these fields.");
        hint.getStyle().set("color", "var(--lumo-secondary-text-color)");
        add(name, features, standardisation, mean, std, hint);
    }

    /** Starts over: a default name, every column of the project's tables, standardised by the training rows. */
    void reset(List<String> allInputs) {
        name.setValue("uploaded-model");
        features.setValue(String.join("\n", allInputs));
        standardisation.setValue(Standardisation.TRAINING);
        mean.setValue("");
        std.setValue("");
        classesOfFile = null;
        for (HasValidation f : List.<HasValidation>of(name, features, standardisation, mean, std)) {
            f.setInvalid(false);
        }
    }

    /** Fills the form from a spec sent as a file: its name, features, and its mean and std as listed. */
    void fill(TabularSpec spec) {
        classesOfFile = List.copyOf(spec.classes());
        name.setValue(spec.name());
        features.setValue(String.join("\n", spec.features()));
        standardisation.setValue(Standardisation.LISTED);
        mean.setValue(numbers(spec.mean()));
        std.setValue(numbers(spec.std()));
    }

    private static String numbers(List<Double> values) {
        List<String> out = new ArrayList<>();
        for (Double v : values) {
            out.add(v == Math.rint(v) && Math.abs(v) < 1e15 ? String.format(Locale.ROOT, "%d", v.longValue())
                    : Double.toString(v));
        }
        return String.join(", ", out);
    }

    private void showListed() {
        boolean listed = standardisation.getValue() == Standardisation.LISTED;
        mean.setVisible(listed);
        std.setVisible(listed);
    }

    /**
     * The spec the form describes, or null with every problem shown at its field. {@code fromTraining}
     * gives the spec standardised by the training rows for a name and features (and may refuse).
     */
    TabularSpec spec(List<String> classes, BiFunction<String, List<String>, TabularSpec> fromTraining) {
        boolean ok = true;
        String n = name.getValue() == null ? "" : name.getValue().strip();
        ok &= check(name, n.isEmpty(), "Give the model a name");
        if (tooLong(features) | tooLong(mean) | tooLong(std)) {
            return null;
        }
        List<String> f = lines(features.getValue());
        ok &= check(features, f.isEmpty(), "List at least one feature");
        if (f.size() > TabularSpec.MAX_FEATURES) {
            ok &= check(features, true, f.size() + " features; a model may read at most " + TabularSpec.MAX_FEATURES);
        }
        Standardisation how = standardisation.getValue();
        ok &= check(standardisation, how == null, "Choose how the features are standardised");
        List<Double> m = null;
        List<Double> s = null;
        if (how == Standardisation.LISTED) {
            m = numbers(mean, f.size());
            s = numbers(std, f.size());
            ok &= m != null && s != null;
        }
        if (!ok) {
            return null;
        }
        if (how == Standardisation.TRAINING) {
            return fromTraining.apply(n, f);
        }
        if (how == Standardisation.NONE) {
            m = Collections.nCopies(f.size(), 0.0);
            s = Collections.nCopies(f.size(), 1.0);
        }
        return new TabularSpec(n, f, classesOfFile != null ? classesOfFile : List.copyOf(classes), m, s).validated();
    }

    /** Whether the field holds more than {@link #MAX_TEXT} characters (a page may send more than it allows): marked so. */
    private static boolean tooLong(TextArea field) {
        String v = field.getValue();
        return v != null && !check(field, v.length() > MAX_TEXT, String.format(Locale.ROOT,
                "%,d characters; at most %,d", v.length(), MAX_TEXT));
    }

    /** The non-blank lines, stripped. */
    private static List<String> lines(String text) {
        List<String> out = new ArrayList<>();
        if (text == null) {
            return out;
        }
        for (String line : text.split("\\R", -1)) {
            if (!line.isBlank()) {
                out.add(line.strip());
            }
            if (out.size() > TabularSpec.MAX_FEATURES) {
                break;
            }
        }
        return out;
    }

    /** The numbers of a field, one per feature, or null with the first problem shown at the field. */
    private static List<Double> numbers(TextArea field, int expected) {
        String text = field.getValue() == null ? "" : field.getValue().strip();
        List<Double> out = new ArrayList<>();
        if (!text.isEmpty()) {
            for (String token : text.split("[,;\\s]+")) {
                double v;
                try {
                    v = Double.parseDouble(token);
                } catch (NumberFormatException e) {
                    String shown = token.length() > 20 ? token.substring(0, 20) + "…" : token;
                    check(field, true, "Number " + (out.size() + 1) + " ('" + shown + "') is not a number");
                    return null;
                }
                if (!Double.isFinite(v)) {
                    check(field, true, "Number " + (out.size() + 1) + " is " + token + ": each must be finite");
                    return null;
                }
                out.add(v);
                if (out.size() > expected) {
                    break;
                }
            }
        }
        if (out.size() != expected) {
            check(field, true, (out.size() > expected ? "More than " + expected : out.size()) + " numbers for "
                    + expected + " features: one per feature");
            return null;
        }
        field.setInvalid(false);
        return out;
    }

    private static boolean check(HasValidation field, boolean bad, String message) {
        if (bad) {
            field.setInvalid(true);
            field.setErrorMessage(message);
        } else {
            field.setInvalid(false);
        }
        return !bad;
    }

    /**
     * Shows a refusal of the spec at the field it concerns; true when one did (name, features,
     * mean, std: the registry's messages start with the field's name or speak of features).
     */
    boolean showRefusal(DomainError e) {
        String detail = e.detail() == null ? "" : e.detail();
        HasValidation field = null;
        if ("Invalid model spec".equals(e.error())) {
            field = detail.startsWith("name") ? name : detail.startsWith("features") ? features
                    : detail.startsWith("mean") ? mean : detail.startsWith("std") ? std : null;
            if ((field == mean || field == std) && standardisation.getValue() != Standardisation.LISTED) {
                field = standardisation;
            }
        } else if ("Features not in the project's tables".equals(e.error())) {
            field = features;
        } else if ("No training rows".equals(e.error())) {
            field = standardisation;
        }
        if (field == null) {
            return false;
        }
        field.setInvalid(true);
        field.setErrorMessage(detail);
        return true;
    }
}
