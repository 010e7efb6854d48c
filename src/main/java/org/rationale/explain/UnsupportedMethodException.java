package org.rationale.explain;

import org.rationale.error.Unprocessable;

/** The method cannot run on this model (a 422 with the reason at the REST edge). */
public class UnsupportedMethodException extends Unprocessable {

    public UnsupportedMethodException(String why) {
        super("Method not available for this model", why);
    }
}
