package org.rationale.dataset;

import org.rationale.error.DomainError;

import java.util.List;

/**
 * The uploaded or referenced data is not a valid dataset, or is beyond an import limit
 * ({@link DomainError.Kind#TOO_LARGE}); the import stores nothing. When a check found several
 * problems, {@link #problems()} lists each in words (the detail joins them).
 */
public class InvalidDatasetException extends DomainError {

    private final List<String> problems;

    public InvalidDatasetException(String error, String detail) {
        this(Kind.INVALID, error, detail);
    }

    public InvalidDatasetException(Kind kind, String error, String detail) {
        super(kind, error, detail, null);
        this.problems = List.of();
    }

    public InvalidDatasetException(String error, String detail, Throwable cause) {
        super(Kind.INVALID, error, detail, cause);
        this.problems = List.of();
    }

    InvalidDatasetException(Kind kind, String error, String detail, List<String> problems) {
        super(kind, error, detail, null);
        this.problems = List.copyOf(problems);
    }

    /** Each problem found, when the check collected more than one; else empty. */
    public List<String> problems() {
        return problems;
    }
}
