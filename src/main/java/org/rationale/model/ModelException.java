package org.rationale.model;

import org.rationale.web.ApiException;

/** A model file or a model call failed; a 422 at the REST edge, with the engine's reason. */
public class ModelException extends ApiException {

    public ModelException(String detail, Throwable cause) {
        super(422, "Model failed", detail, cause);
    }

    public ModelException(String detail) {
        super(422, "Model failed", detail);
    }
}
