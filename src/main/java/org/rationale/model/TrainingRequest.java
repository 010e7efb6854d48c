package org.rationale.model;

import org.rationale.error.Invalid;

import java.time.OffsetDateTime;


/**
 * What to train: a {@link SmallCnn} on a split of the project (on a tabular project a
 * {@link TabularMlp}), with these settings, and optionally with the experts' feedback (the
 * project's {@code shortcut} masks on that split; on rows the features marked, {@link RowFeedback})
 * as RRR penalty, counterexamples or both (see {@link Feedback}); {@code roundId} ties it to a
 * feedback round.
 * {@code controls} more trainings of the same kind (the first with the same seed, the others with
 * other seeds) take only the masks painted before {@code feedbackBefore} (a round's start): how far
 * retraining alone moves the test accuracy; they store no version, only their accuracy, beside the
 * parent's accuracy measured on the same test split.
 */
public record TrainingRequest(String name, String split, Integer epochs, Integer batchSize, Double learningRate,
                              Long seed, String feedback, Double lambda, Long roundId, Integer controls,
                              OffsetDateTime feedbackBefore) {

    /** Oversampled feedback images in each batch. */
    public static final int FEEDBACK_PER_BATCH = 32;
    /** Most control trainings a retraining may ask for. */
    public static final int MAX_CONTROLS = 5;

    public TrainingRequest(String name, String split, Integer epochs, Integer batchSize, Double learningRate, Long seed) {
        this(name, split, epochs, batchSize, learningRate, seed, null, null, null, null, null);
    }

    public TrainingRequest(String name, String split, Integer epochs, Integer batchSize, Double learningRate, Long seed,
                           String feedback, Double lambda, Long roundId) {
        this(name, split, epochs, batchSize, learningRate, seed, feedback, lambda, roundId, null, null);
    }

    /** Epochs, batch size and learning rate of the platform's MLP of rows when a request names none. */
    public static final int ROW_EPOCHS = 20;
    public static final int ROW_BATCH_SIZE = 32;
    public static final double ROW_LEARNING_RATE = 3e-3;

    /**
     * This request with the defaults of table rows where it names none (the MLP learns little at the
     * CNN's 3 epochs, batch 128 and learning rate 0.001): name {@code tabular-mlp}, 20 epochs, batch
     * 32, learning rate 0.003. Ranges are checked by {@link #validated()} as for images.
     */
    public TrainingRequest withRowDefaults() {
        return new TrainingRequest(name == null || name.isBlank() ? "tabular-mlp" : name, split,
                epochs == null ? ROW_EPOCHS : epochs, batchSize == null ? ROW_BATCH_SIZE : batchSize,
                learningRate == null ? ROW_LEARNING_RATE : learningRate, seed, feedback, lambda, roundId, controls,
                feedbackBefore);
    }

    /** Fills defaults and checks ranges; a 400 names the field. */
    public TrainingRequest validated() {
        String n = name == null || name.isBlank() ? "small-cnn" : name.strip();
        int e = epochs == null ? 3 : epochs;
        int b = batchSize == null ? 128 : batchSize;
        double lr = learningRate == null ? 1e-3 : learningRate;
        if (e < 1 || e > 100) {
            throw new Invalid("Invalid epochs " + e, "epochs must be between 1 and 100");
        }
        if (b < 1 || b > 4096) {
            throw new Invalid("Invalid batchSize " + b, "batchSize must be between 1 and 4096");
        }
        if (!(lr > 0 && lr <= 1)) {
            throw new Invalid("Invalid learningRate " + lr, "learningRate must be in (0, 1]");
        }
        Feedback.Mode mode = feedback == null ? Feedback.Mode.NONE : Feedback.Mode.parse(feedback);
        // no λ stays none: its default depends on the modality (Feedback.DEFAULT_LAMBDA, RowFeedback.DEFAULT_LAMBDA)
        if (lambda != null && !(lambda >= 0 && lambda <= 1e7)) {
            throw new Invalid("Invalid lambda " + lambda, "lambda must be between 0 and 10,000,000");
        }
        int c = controls == null ? 0 : controls;
        if (c < 0 || c > MAX_CONTROLS) {
            throw new Invalid("Invalid controls " + c, "controls must be between 0 and " + MAX_CONTROLS);
        }
        if (c > 0 && roundId == null) {
            throw new Invalid("Controls without a round", "Control trainings compare a feedback round's retraining; "
                    + "start them from the round (POST /api/projects/{id}/rounds/{number}/retrain)");
        }
        return new TrainingRequest(n, split == null || split.isBlank() ? "train" : split.strip(), e, b, lr,
                seed == null ? 0L : seed, mode.value(), lambda, roundId, c, feedbackBefore);
    }

    /**
     * The {@code i}-th control of a round's retraining: the same request with its own seed and no
     * controls of its own (it takes the marks made before {@link #feedbackBefore}).
     */
    public TrainingRequest control(int i) {
        return new TrainingRequest(name, split, epochs, batchSize, learningRate, seed + 7919L * i, feedback, lambda,
                roundId, 0, feedbackBefore);
    }

    public Feedback.Mode feedbackMode() {
        return feedback == null ? Feedback.Mode.NONE : Feedback.Mode.parse(feedback);
    }
}
