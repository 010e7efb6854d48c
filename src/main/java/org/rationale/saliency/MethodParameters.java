package org.rationale.saliency;


import org.rationale.error.Invalid;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Typed, validated parameters of one method call. Unknown names and out-of-range values are a 400;
 * {@link #canonical()} gives every parameter with its default filled in, in a fixed order, so the
 * same call is stored once.
 */
public final class MethodParameters {

    private final Map<String, String> values;

    private MethodParameters(Map<String, String> values) {
        this.values = values;
    }

    /** Declares a method's parameters. */
    public static final class Spec {
        private final Map<String, Param> params = new LinkedHashMap<>();

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

        public Map<String, Param> all() {
            return params;
        }

        /** Checks given values against the declaration and fills in defaults. */
        public MethodParameters bind(String method, Map<String, String> given) {
            Map<String, String> out = new TreeMap<>();
            for (String key : given.keySet()) {
                if (!params.containsKey(key)) {
                    throw new Invalid("Unknown parameter '" + key + "' for " + method,
                            params.isEmpty() ? method + " takes no parameters"
                                    : method + " takes: " + String.join(", ", params.keySet()));
                }
            }
            for (Param p : params.values()) {
                String raw = given.getOrDefault(p.name(), p.def());
                out.put(p.name(), p.check(method, raw == null ? p.def() : raw.strip()));
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
