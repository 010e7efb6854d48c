package org.rationale.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import org.rationale.error.Invalid;
import org.rationale.web.ControlCharacters;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a tabular model expects: N×F float32, one value per encoded feature in {@code features}
 * order, each {@code (v − mean[i]) / std[i]} where v is a numeric column's value, a boolean
 * column's 1 or 0, or a categorical column's one-hot (1 when the row's category is the one the
 * feature names, {@code column=category}); {@code classes} name its outputs. Stored as the version's
 * spec JSON; a stored spec with {@code features} is a tabular one (an image spec has channels,
 * height and width instead), and the project's modality says which of the two an upload must send.
 */
public record TabularSpec(String name, List<String> features, List<String> classes, List<Double> mean,
                          List<Double> std) implements ModelSpec {

    /** Most features a spec may list. */
    public static final int MAX_FEATURES = 10_000;
    private static final Set<String> FIELDS = Set.of("name", "features", "classes", "mean", "std");
    private static final List<String> IMAGE_FIELDS = List.of("channels", "height", "width", "scale", "fit",
            "interpolation");
    private static final String INVALID = "Invalid model spec";

    /**
     * The spec as the model's input grid for the parts of the platform that think in C×H×W: one
     * channel, one row, F columns, already standardised (the identity preprocessing).
     */
    public InputSpec asInput() {
        return new InputSpec(name, 1, 1, features.size(), 1.0, List.of(0.0), List.of(1.0), classes);
    }

    /**
     * Parses and checks a spec sent by a client for a tabular project: malformed JSON, image fields,
     * unknown fields and every invalid field are a 400 that names the field.
     */
    public static TabularSpec parse(String json) {
        if (json == null || json.isBlank()) {
            throw new Invalid("Missing model spec", "Send the form field 'spec' with the model's spec as JSON: "
                    + "{\"name\", \"features\", \"classes\", \"mean\", \"std\"}");
        }
        JsonNode root;
        try {
            root = ModelService.JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new Invalid(INVALID, "The spec is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new Invalid(INVALID, "The spec must be a JSON object {\"name\", \"features\", \"classes\", \"mean\", "
                    + "\"std\"}");
        }
        List<String> image = IMAGE_FIELDS.stream().filter(root::has).toList();
        if (!image.isEmpty()) {
            throw new Invalid(INVALID, String.join(", ", image) + (image.size() == 1 ? " belongs" : " belong")
                    + " to an image model's spec, but this project holds table rows: send name, features (the "
                    + "encoded columns in the model's input order), classes, mean and std");
        }
        List<String> unknown = new ArrayList<>();
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                unknown.add(f);
            }
        }
        if (!unknown.isEmpty()) {
            throw new Invalid(INVALID, "Unknown field" + (unknown.size() == 1 ? " " : "s ") + quoted(unknown, 5)
                    + "; a tabular model's spec has name, features, classes, mean and std");
        }
        JsonNode name = root.get("name");
        if (name != null && !name.isNull() && !name.isTextual()) {
            throw new Invalid(INVALID, "name must be a text");
        }
        if (name != null && ControlCharacters.firstRefused(name.asText(), false) >= 0) {
            throw new Invalid(INVALID, "name holds a control character; names may hold none");
        }
        return new TabularSpec(name == null || name.isNull() ? null : name.asText(), texts(root, "features"),
                texts(root, "classes"), numbers(root, "mean"), numbers(root, "std")).validated();
    }

    /** Checks a spec; every problem is a 400 that names the field (and the feature, where one is at fault). */
    public TabularSpec validated() {
        if (name == null || name.isBlank()) {
            throw new Invalid(INVALID, "name is required");
        }
        if (features == null || features.isEmpty()) {
            throw new Invalid(INVALID, "features is empty: list the model's input columns in order, a numeric or "
                    + "boolean column by its name, a categorical column's one-hot columns as column=category");
        }
        if (features.size() > MAX_FEATURES) {
            throw new Invalid(INVALID, "features lists " + features.size() + " columns; at most " + MAX_FEATURES
                    + " are allowed");
        }
        for (int i = 0; i < features.size(); i++) {
            if (features.get(i) == null || features.get(i).isBlank()) {
                throw new Invalid(INVALID, "features[" + i + "] is blank: every feature needs a name");
            }
        }
        Map<String, Integer> first = new LinkedHashMap<>();
        Set<String> duplicated = new LinkedHashSet<>();
        for (int i = 0; i < features.size(); i++) {
            if (first.putIfAbsent(features.get(i), i) != null) {
                duplicated.add(features.get(i));
            }
        }
        if (!duplicated.isEmpty()) {
            throw new Invalid(INVALID, "features lists " + quoted(List.copyOf(duplicated), 5)
                    + " more than once: each input column appears once");
        }
        checkPerFeature("mean", mean);
        checkPerFeature("std", std);
        for (int i = 0; i < std.size(); i++) {
            if (!(std.get(i) > 0)) {
                throw new Invalid(INVALID, "std[" + i + "] of '" + features.get(i) + "' is " + std.get(i)
                        + ": every std must be positive (use 1 for a column the model takes as it is)");
            }
        }
        if (classes == null || classes.size() < 2) {
            throw new Invalid(INVALID, "classes needs at least two names");
        }
        if (classes.stream().anyMatch(c -> c == null || c.isBlank()) || classes.stream().distinct().count() != classes.size()) {
            throw new Invalid(INVALID, "class names must be non-blank and unique");
        }
        return new TabularSpec(name.strip(), List.copyOf(features), List.copyOf(classes), List.copyOf(mean),
                List.copyOf(std));
    }

    private void checkPerFeature(String field, List<Double> values) {
        if (values == null || values.size() != features.size()) {
            throw new Invalid(INVALID, field + " has " + (values == null ? "no" : values.size()) + " values for "
                    + features.size() + " features: give one per feature, in the order of features");
        }
        for (int i = 0; i < values.size(); i++) {
            Double v = values.get(i);
            if (v == null || v.isNaN() || v.isInfinite()) {
                throw new Invalid(INVALID, field + "[" + i + "] of '" + features.get(i) + "' is " + v
                        + ": it must be a finite number");
            }
        }
    }

    private static List<String> texts(JsonNode root, String field) {
        JsonNode a = root.get(field);
        if (a == null || a.isNull()) {
            return null;
        }
        if (!a.isArray()) {
            throw new Invalid(INVALID, field + " must be a list of names");
        }
        if (a.size() > MAX_FEATURES) {
            throw new Invalid(INVALID, field + " lists " + a.size() + " names; at most " + MAX_FEATURES
                    + " are allowed");
        }
        List<String> out = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).isTextual()) {
                throw new Invalid(INVALID, field + "[" + i + "] must be a name in quotes, got " + brief(a.get(i)));
            }
            String text = a.get(i).asText();
            if (ControlCharacters.firstRefused(text, false) >= 0) {
                throw new Invalid(INVALID, field + "[" + i + "] holds a control character; names may hold none");
            }
            out.add(text);
        }
        return out;
    }

    private static List<Double> numbers(JsonNode root, String field) {
        JsonNode a = root.get(field);
        if (a == null || a.isNull()) {
            return null;
        }
        if (!a.isArray()) {
            throw new Invalid(INVALID, field + " must be a list of numbers, one per feature");
        }
        if (a.size() > MAX_FEATURES) {
            throw new Invalid(INVALID, field + " lists " + a.size() + " values; at most " + MAX_FEATURES
                    + " are allowed");
        }
        List<Double> out = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).isNumber()) {
                throw new Invalid(INVALID, field + "[" + i + "] must be a number, got " + brief(a.get(i)));
            }
            out.add(a.get(i).asDouble());
        }
        return out;
    }

    private static String brief(JsonNode n) {
        String s = n.toString();
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }

    /** The first {@code most} names in quotes, and how many more. */
    static String quoted(List<String> names, int most) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(most, names.size()); i++) {
            String n = names.get(i);
            s.append(i == 0 ? "" : ", ").append('\'').append(n.length() > 60 ? n.substring(0, 60) + "…" : n).append('\'');
        }
        if (names.size() > most) {
            s.append(String.format(Locale.ROOT, " and %d more", names.size() - most));
        }
        return s.toString();
    }
}
