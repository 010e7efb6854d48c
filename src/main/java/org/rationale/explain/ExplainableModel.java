package org.rationale.explain;

import java.util.Optional;
import java.util.function.Function;

/**
 * A classifier the attribution methods can question: logits, input gradients, and for CAM methods
 * the activations of a feature layer with their gradients. Implemented by TorchScript models on
 * DJL (package {@code model}) and by analytic models in tests; methods never see the engine.
 */
public interface ExplainableModel {

    int channels();

    int height();

    int width();

    int classes();

    /** Per channel, the preprocessed values of the darkest and brightest pixel. */
    float[] black();

    float[] white();

    /** Largest batch one call should carry. */
    default int maxBatch() {
        return 256;
    }

    /** Logits, N×classes. */
    float[] logits(InputBatch x);

    /** Logits and the gradient of {@code sum_i logit(i, targets[i])} with respect to the inputs. */
    GradientResult gradient(InputBatch x, int[] targets);

    /**
     * Logits and input gradients of one forward pass whose targets are chosen from that pass's own
     * logits ({@code targetsOf} gets the N×classes logits and answers N targets, e.g. the predicted
     * classes): a prediction and its gradient for the cost of one gradient. The default runs a
     * forward pass first; engines override it with one pass.
     */
    default GradientResult gradientChoosingTargets(InputBatch x, Function<float[], int[]> targetsOf) {
        return gradient(x, targetsOf.apply(logits(x)));
    }

    /**
     * For a tabular model (input 1×1×F: one row of F encoded, standardised columns), how its columns
     * group into features and the rows baselines come from; empty for an image model.
     */
    default Optional<TabularInput> tabular() {
        return Optional.empty();
    }

    /** True when the model comes in a features/head split, so CAM methods can run. */
    default boolean supportsCam() {
        return false;
    }

    /** Feature activations A (N×K×h×w) and d(sum_i logit(i, targets[i]))/dA. */
    default CamResult camGradient(InputBatch x, int[] targets) {
        throw new UnsupportedMethodException("This model has no features/classifier split; CAM methods need one");
    }

    /** Logits and input gradients of one call. */
    record GradientResult(float[] logits, float[] gradient) {
    }

    /** Activations of the feature layer and the gradients of the target logits at them. */
    record CamResult(int k, int h, int w, float[] activations, float[] gradients, float[] logits) {
    }
}
