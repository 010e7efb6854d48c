package org.rationale.dataset;

import org.rationale.error.DomainError;

/**
 * The uploaded or referenced data is not a valid dataset, or is beyond an import limit
 * ({@link DomainError.Kind#TOO_LARGE}); the import stores nothing.
 */
public class InvalidDatasetException extends DomainError {

    public InvalidDatasetException(String error, String detail) {
        super(Kind.INVALID, error, detail, null);
    }

    public InvalidDatasetException(Kind kind, String error, String detail) {
        super(kind, error, detail, null);
    }

    public InvalidDatasetException(String error, String detail, Throwable cause) {
        super(Kind.INVALID, error, detail, cause);
    }
}
