package org.rationale.dataset;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.rationale.config.Json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON of a tabular dataset's columns ({@code datasets.columns}) and of a row's values
 * ({@code samples.row_values}), both ways: numbers as {@code Double}, categories as {@code String},
 * booleans as {@code Boolean}. Only the platform writes these columns, so a value of another shape
 * is a defect, not bad input.
 */
final class TableJson {

    private TableJson() {
    }

    static String of(List<TableColumn> columns) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (TableColumn c : columns) {
            ObjectNode o = out.addObject();
            o.put("name", c.name());
            o.put("type", c.type().name().toLowerCase(Locale.ROOT));
            if (c.type() == TableColumn.Type.CATEGORICAL) {
                ArrayNode cats = o.putArray("categories");
                c.categories().forEach(cats::add);
            }
        }
        return out.toString();
    }

    static List<TableColumn> columns(String json) {
        List<TableColumn> out = new ArrayList<>();
        for (JsonNode o : read(json)) {
            List<String> cats = new ArrayList<>();
            o.path("categories").forEach(c -> cats.add(c.asText()));
            out.add(new TableColumn(o.get("name").asText(),
                    TableColumn.Type.valueOf(o.get("type").asText().toUpperCase(Locale.ROOT)), cats));
        }
        return out;
    }

    static String of(Map<String, Object> row) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        row.forEach((k, v) -> {
            if (v instanceof Double d) {
                o.put(k, d);
            } else if (v instanceof Boolean b) {
                o.put(k, b);
            } else if (v instanceof String s) {
                o.put(k, s);
            } else {
                throw new IllegalArgumentException("A row value must be a Double, Boolean or String: " + k);
            }
        });
        return o.toString();
    }

    static Map<String, Object> row(String json) {
        Map<String, Object> out = new LinkedHashMap<>();
        read(json).properties().forEach(e -> {
            JsonNode v = e.getValue();
            out.put(e.getKey(), v.isNumber() ? (Object) v.asDouble() : v.isBoolean() ? (Object) v.asBoolean() : v.asText());
        });
        return out;
    }

    private static JsonNode read(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored table JSON does not parse", e);
        }
    }
}
