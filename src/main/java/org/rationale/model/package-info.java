/**
 * The model registry (uploaded TorchScript and platform-trained CNNs on DJL), loading, training and
 * predictions. Owns the tables {@code model_versions} and {@code model_artifacts}
 * ({@link org.rationale.model.ModelStore}) and {@code predictions}
 * ({@link org.rationale.model.PredictionStore}).
 */
package org.rationale.model;
