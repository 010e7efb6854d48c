package org.rationale.model;

import org.rationale.error.DomainError;
import org.rationale.explain.InputBatch;

/** The model input of one sample, or why the sample cannot be given to the model. */
public sealed interface PreparedInput {

    /** The sample decoded and preprocessed for the model. */
    record Ready(InputBatch batch) implements PreparedInput {
    }

    /** The sample does not fit the model; nothing is computed for it. */
    record Refused(DomainError why) implements PreparedInput {
    }
}
