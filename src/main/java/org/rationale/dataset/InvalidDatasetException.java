package org.rationale.dataset;

import org.rationale.web.ApiException;

/** The uploaded or referenced data is not a valid dataset; the import stores nothing. */
public class InvalidDatasetException extends ApiException {

    public InvalidDatasetException(String error, String detail) {
        super(400, error, detail);
    }

    public InvalidDatasetException(int status, String error, String detail) {
        super(status, error, detail);
    }

    public InvalidDatasetException(String error, String detail, Throwable cause) {
        super(400, error, detail, cause);
    }
}
