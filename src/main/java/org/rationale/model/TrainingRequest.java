package org.rationale.model;

import org.rationale.web.ApiException;

/** What to train: a {@link SmallCnn} on a split of the project, with these settings. */
public record TrainingRequest(String name, String split, Integer epochs, Integer batchSize, Double learningRate,
                              Long seed) {

    /** Fills defaults and checks ranges; a 400 names the field. */
    public TrainingRequest validated() {
        String n = name == null || name.isBlank() ? "small-cnn" : name.strip();
        int e = epochs == null ? 3 : epochs;
        int b = batchSize == null ? 128 : batchSize;
        double lr = learningRate == null ? 1e-3 : learningRate;
        if (e < 1 || e > 100) {
            throw ApiException.badRequest("Invalid epochs " + e, "epochs must be between 1 and 100");
        }
        if (b < 1 || b > 4096) {
            throw ApiException.badRequest("Invalid batchSize " + b, "batchSize must be between 1 and 4096");
        }
        if (!(lr > 0 && lr <= 1)) {
            throw ApiException.badRequest("Invalid learningRate " + lr, "learningRate must be in (0, 1]");
        }
        return new TrainingRequest(n, split == null || split.isBlank() ? "train" : split.strip(), e, b, lr,
                seed == null ? 0L : seed);
    }
}
