package org.rationale.saliency;

import org.rationale.web.ApiException;

/** The method cannot run on this model (a 422 with the reason at the REST edge). */
public class UnsupportedMethodException extends ApiException {

    public UnsupportedMethodException(String why) {
        super(422, "Method not available for this model", why);
    }
}
