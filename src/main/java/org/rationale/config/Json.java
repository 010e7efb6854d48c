package org.rationale.config;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one configured Jackson mapper for JSON the application writes and reads itself: job parameters
 * and results, stored metrics, anchors, reports, rendering tables. Java time as ISO-8601 text, unknown
 * properties refused. (REST bodies go through Quarkus's mapper, customised by {@code web.JsonText}.)
 * Variants for one purpose (the audit chain's canonical form, untrusted model metadata) start from
 * {@link #builder()} so they share this configuration.
 */
public final class Json {

    /** Thread-safe once built; never reconfigure it, start from {@link #builder()} instead. */
    public static final JsonMapper MAPPER = JsonMapper.builder()
            .findAndAddModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    private Json() {
    }

    /** A builder holding this configuration, to configure further for one purpose. */
    public static JsonMapper.Builder builder() {
        return MAPPER.rebuild();
    }
}
