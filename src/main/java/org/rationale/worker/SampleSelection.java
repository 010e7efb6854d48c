package org.rationale.worker;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import org.rationale.error.Invalid;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The samples a job works on, as JSON either a list of sample ids ({@code [3, 4]}) or a subset of
 * the model's project ({@code {"projectId": 1, "split": "test"}}, both fields optional; no split
 * means every sample).
 */
@JsonDeserialize(using = SampleSelection.Reader.class)
public sealed interface SampleSelection {

    /** These samples, by id. */
    record Ids(List<Long> ids) implements SampleSelection {
        public Ids {
            ids = List.copyOf(ids);
        }
    }

    /** The samples of a project, or of one split of it; {@code projectId} when given must be the model's. */
    record Subset(Long projectId, String split) implements SampleSelection {
    }

    /** Reads either JSON form; anything else is a 400 saying what samples must be. */
    final class Reader extends StdDeserializer<SampleSelection> {

        Reader() {
            super(SampleSelection.class);
        }

        @Override
        public SampleSelection deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonNode node = p.readValueAsTree();
            if (node == null || node.isNull()) {
                return null;
            }
            if (node.isArray()) {
                List<Long> ids = new ArrayList<>();
                for (JsonNode id : node) {
                    if (!id.isNumber()) {
                        throw new Invalid("Invalid sample id '" + (id.isTextual() ? id.asText() : id) + "'",
                                "samples is a list of sample ids");
                    }
                    ids.add(id.longValue());
                }
                return new Ids(ids);
            }
            if (node.isObject()) {
                JsonNode project = node.get("projectId");
                if (project != null && !project.isNull() && !project.isNumber()) {
                    throw new Invalid("Samples of another project", "projectId is the id of the model's project");
                }
                JsonNode split = node.get("split");
                return new Subset(project == null || project.isNull() ? null : project.longValue(),
                        split == null || split.isNull() ? null : split.isTextual() ? split.asText() : split.toString());
            }
            throw new Invalid("Missing samples", "samples is a list of ids or {\"projectId\": …, \"split\": …}");
        }

        @Override
        public SampleSelection getNullValue(DeserializationContext ctxt) {
            return null;
        }
    }
}
