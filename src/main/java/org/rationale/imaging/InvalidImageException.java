package org.rationale.imaging;

import org.rationale.error.DomainError;

/**
 * The bytes are not a readable image, or the image is over a size limit
 * ({@link DomainError.Kind#TOO_LARGE}).
 */
public class InvalidImageException extends DomainError {

    public InvalidImageException(String error, String detail) {
        super(Kind.INVALID, error, detail, null);
    }

    public InvalidImageException(Kind kind, String error, String detail) {
        super(kind, error, detail, null);
    }

    public InvalidImageException(String error, String detail, Throwable cause) {
        super(Kind.INVALID, error, detail, cause);
    }
}
