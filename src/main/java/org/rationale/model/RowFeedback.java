package org.rationale.model;

import org.rationale.error.Invalid;

import java.util.List;

/**
 * What the experts said about table rows, as training uses it: training rows with the features
 * they marked as shortcuts, as a mask over the model's encoded inputs (a categorical feature marks
 * every one of its one-hot inputs). As with images ({@link Feedback}), each batch carries up to
 * {@code perBatch} of them in turn, as the originals with the "right for the right reasons" penalty
 * on the marked inputs' gradients ({@link Feedback.Mode#RRR}) and/or as counterexamples whose marked
 * features take the values of another training row, drawn afresh each time, label kept
 * ({@link Feedback.Mode#COUNTEREXAMPLES}).
 *
 * @param examples the marked rows: an index into the training rows and one 0/1 per encoded input
 */
public record RowFeedback(Feedback.Mode mode, double lambda, int perBatch, List<Example> examples) {

    /** A marked training row: its index among the rows trained on, and its mask over the encoded inputs. */
    public record Example(int row, float[] mask) {
    }

    public static final RowFeedback NONE = new RowFeedback(Feedback.Mode.NONE, 0, 0, List.of());

    public RowFeedback {
        examples = List.copyOf(examples);
        if (!(lambda >= 0 && lambda <= 1e7)) {
            throw new Invalid("Invalid lambda " + lambda, "lambda must be between 0 and 10,000,000");
        }
        if (perBatch < 0 || perBatch > 1024) {
            throw new Invalid("Invalid perBatch " + perBatch, "perBatch must be between 0 and 1,024");
        }
    }

    /** Whether any batch carries feedback. */
    public boolean active() {
        return mode != Feedback.Mode.NONE && !examples.isEmpty() && perBatch > 0;
    }
}
