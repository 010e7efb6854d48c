package org.rationale.model;

import java.util.List;

/**
 * A model version's spec as uploaded: an image model's {@link InputSpec} or a tabular model's
 * {@link TabularSpec}; both name the model and the classes its outputs stand for.
 */
public sealed interface ModelSpec permits InputSpec, TabularSpec {

    String name();

    List<String> classes();
}
