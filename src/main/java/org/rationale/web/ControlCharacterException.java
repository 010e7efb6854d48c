package org.rationale.web;

import org.rationale.error.DomainError;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonMappingException;

/** A JSON string with a control character where {@link ControlCharacters} allows none; answered 400. */
public class ControlCharacterException extends JsonMappingException {

    private final transient DomainError refusal;

    ControlCharacterException(JsonParser parser, DomainError refusal) {
        super(parser, refusal.getMessage());
        this.refusal = refusal;
    }

    /** The 400 to answer with. */
    public DomainError refusal() {
        return refusal;
    }
}
