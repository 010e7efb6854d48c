package org.rationale.saliency;


import org.rationale.error.Invalid;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Typed, validated parameters of one method call. Unknown names and out-of-range values are a 400;
 * {@link #canonical()} gives every parameter with its default filled in, in a fixed order, so the
 * same call is stored once. Besides its own, every method takes {@link #CHANNELS}: how its map is
 * stored ({@link MapChannels}); {@code channels=all} is part of the canonical form, the default is
 * left out of it (so maps stored before the parameter existed keep their keys).
 */
public final class MethodParameters {

    /** The parameter every method takes: {@link #PLANE} (default) or {@link #ALL}. */
    public static final String CHANNELS = "channels";
    /** One value a pixel: the channels' sum, or the one plane a spatial method repeats over them. */
    public static final String PLANE = "plane";
    /** Every input channel, C×H×W, as the method computed it. */
    public static final String ALL = "all";

    private final Map<String, String> values;

    private MethodParameters(Map<String, String> values) {
        this.values = values;
    }

    /** Declares a method's parameters. */
    public static final class Spec {
        private final Map<String, Param> params = new LinkedHashMap<>();
        private final Map<String, Map<String, String>> misplaced = new LinkedHashMap<>();

        public Spec integer(String name, int def, int min, int max) {
            params.put(name, new Param(name, "int", Integer.toString(def), min, max, null));
            return this;
        }

        public Spec decimal(String name, double def, double min, double max) {
            params.put(name, new Param(name, "double", Double.toString(def), min, max, null));
            return this;
        }

        public Spec choice(String name, String def, List<String> options) {
            params.put(name, new Param(name, "choice", def, 0, 0, options));
            return this;
        }

        /**
         * Values of a choice that belong to the other kind of model (a table model's baseline given
         * for an image model): refused with {@code why} in front of the list of this kind's values.
         */
        public Spec misplaced(String name, List<String> values, String why) {
            Map<String, String> m = misplaced.computeIfAbsent(name, k -> new LinkedHashMap<>());
            for (String v : values) {
                m.put(v, why);
            }
            return this;
        }

        public Map<String, Param> all() {
            return params;
        }

        /** Checks given values against the declaration and fills in defaults. */
        public MethodParameters bind(String method, Map<String, String> given) {
            Map<String, String> out = new TreeMap<>();
            for (String key : given.keySet()) {
                if (!params.containsKey(key) && !CHANNELS.equals(key)) {
                    List<String> names = new ArrayList<>(params.keySet());
                    names.add(CHANNELS);
                    throw new Invalid("Unknown parameter '" + key + "' for " + method,
                            method + " takes: " + String.join(", ", names));
                }
            }
            for (Param p : params.values()) {
                String raw = given.getOrDefault(p.name(), p.def());
                String value = raw == null ? p.def() : raw.strip();
                String why = misplaced.getOrDefault(p.name(), Map.of()).get(value);
                if (why != null) {
                    throw new Invalid("Invalid " + p.name() + " '" + value + "' for " + method,
                            p.name() + " '" + value + "' " + why + "; " + p.name() + " is one of: "
                                    + String.join(", ", p.options()));
                }
                out.put(p.name(), p.check(method, value));
            }
            String channels = given.get(CHANNELS);
            String c = channels == null ? PLANE : channels.strip();
            if (!PLANE.equals(c) && !ALL.equals(c)) {
                throw new Invalid("Invalid " + CHANNELS + " '" + channels + "' for " + method, CHANNELS + " is "
                        + PLANE + " (the default: one value a pixel) or " + ALL + " (every input channel, C×H×W)");
            }
            if (ALL.equals(c)) {
                out.put(CHANNELS, ALL);
            }
            return new MethodParameters(out);
        }
    }

    /** One declared parameter. */
    public record Param(String name, String type, String def, double min, double max, List<String> options) {

        String check(String method, String raw) {
            switch (type) {
                case "int" -> {
                    int v;
                    try {
                        v = Integer.parseInt(raw);
                    } catch (NumberFormatException e) {
                        throw new Invalid("Invalid " + name + " '" + raw + "' for " + method, name + " is a whole number");
                    }
                    if (v < min || v > max) {
                        throw new Invalid("Invalid " + name + " " + v + " for " + method,
                                name + " must be between " + (long) min + " and " + (long) max);
                    }
                    return Integer.toString(v);
                }
                case "double" -> {
                    double v;
                    try {
                        v = Double.parseDouble(raw);
                    } catch (NumberFormatException e) {
                        throw new Invalid("Invalid " + name + " '" + raw + "' for " + method, name + " is a number");
                    }
                    if (!(v >= min && v <= max)) {
                        throw new Invalid("Invalid " + name + " " + raw + " for " + method,
                                name + " must be between " + min + " and " + max);
                    }
                    return Double.toString(v);
                }
                default -> {
                    if (!options.contains(raw)) {
                        throw new Invalid("Invalid " + name + " '" + raw + "' for " + method,
                                name + " is one of: " + String.join(", ", options));
                    }
                    return raw;
                }
            }
        }
    }

    public int integer(String name) {
        return Integer.parseInt(require(name));
    }

    public double decimal(String name) {
        return Double.parseDouble(require(name));
    }

    public String text(String name) {
        return require(name);
    }

    /** The same parameters with one declared parameter set to another (already valid) value. */
    public MethodParameters with(String name, String value) {
        require(name);
        Map<String, String> out = new TreeMap<>(values);
        out.put(name, value);
        return new MethodParameters(out);
    }

    /** Whether the map is stored with every input channel ({@code channels=all}) rather than as one plane. */
    public boolean allChannels() {
        return ALL.equals(values.get(CHANNELS));
    }

    public Map<String, String> asMap() {
        return Map.copyOf(values);
    }

    /** {@code a=1,b=x} with every parameter, sorted by name. */
    public String canonical() {
        return values.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }

    private String require(String name) {
        String v = values.get(name);
        if (v == null) {
            throw new IllegalStateException("parameter " + name + " is not declared");
        }
        return v;
    }
}
