package org.rationale.web;

import org.rationale.error.DomainError;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.KeyDeserializer;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.util.List;

/**
 * Applies {@link ControlCharacters} to every string of a JSON request body (values, list items and
 * map keys), so a NUL byte is a 400 naming the field before any service or database sees it; and
 * refuses a field the endpoint does not read (a misspelt {@code "epoch": 3} would otherwise train
 * with the default epochs, the person none the wiser); and takes a number or a flag only as its own JSON type
 * ({@code "version": "3"} or {@code "enabled": 0} are 400s naming the field, not quietly converted).
 */
@Singleton
public class JsonText implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.registerModule(module());
        mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        // "version": "3" is not a version: a number or a flag takes only its own JSON type (a text field still takes
        // a number: a method's parameters are texts, and {"steps": 32} means "32")
        for (LogicalType t : List.of(LogicalType.Integer, LogicalType.Float, LogicalType.Boolean)) {
            mapper.coercionConfigFor(t).setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        }
        mapper.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        // "epochs": 2.5 is not 2
        mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
    }

    /** The module, for mappers that read client JSON outside the REST layer. */
    public static SimpleModule module() {
        SimpleModule m = new SimpleModule("rationale-control-characters");
        m.addDeserializer(String.class, new CheckedString());
        m.addKeyDeserializer(String.class, new CheckedKey());
        return m;
    }

    private static String field(JsonParser p) {
        JsonStreamContext ctx = p.getParsingContext();
        while (ctx != null && ctx.getCurrentName() == null) {
            ctx = ctx.getParent();
        }
        return ctx == null ? null : ctx.getCurrentName();
    }

    static final class CheckedString extends StringDeserializer {

        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String s = super.deserialize(p, ctxt);
            String field = field(p);
            DomainError refusal = ControlCharacters.refusal("field", field, s, ControlCharacters.freeText(field));
            if (refusal != null) {
                throw new ControlCharacterException(p, refusal);
            }
            return s;
        }
    }

    static final class CheckedKey extends KeyDeserializer {

        @Override
        public Object deserializeKey(String key, DeserializationContext ctxt) throws IOException {
            DomainError refusal = ControlCharacters.refusal("a field name", null, key, false);
            if (refusal != null) {
                throw new ControlCharacterException(ctxt.getParser(), refusal);
            }
            return key;
        }
    }
}
