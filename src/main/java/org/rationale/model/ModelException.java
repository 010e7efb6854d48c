package org.rationale.model;

import org.rationale.error.Unprocessable;

/** A model file or a model call failed; a 422 at the REST edge, with the engine's reason. */
public class ModelException extends Unprocessable {

    public ModelException(String detail, Throwable cause) {
        super("Model failed", detail, cause);
    }

    public ModelException(String detail) {
        super("Model failed", detail);
    }
}
