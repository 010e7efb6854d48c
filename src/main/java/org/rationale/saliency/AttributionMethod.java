package org.rationale.saliency;

import org.rationale.explain.ExplainableModel;
import org.rationale.explain.InputBatch;

import java.util.Map;
import java.util.Optional;

/**
 * One attribution method, in the manner of Captum's {@code attribute(inputs, target, params)}:
 * attributions with the inputs' N×C×H×W shape, for the given target class of each sample, raw
 * (colormaps and normalisation belong to rendering). Implementations never change the inputs.
 */
public interface AttributionMethod {

    /** Name in the API, e.g. {@code integrated-gradients}. */
    String name();

    /** The parameters this method takes, with their defaults and limits. */
    MethodParameters.Spec parameters();

    /** True when the attributions sum to f(x) − f(baseline) (up to a numerical gap). */
    default boolean satisfiesCompleteness() {
        return false;
    }

    /**
     * True when the method gives every channel of a pixel the same value (a spatial method: Grad-CAM,
     * occlusion, RISE): its map is stored as that one plane; otherwise the channels are summed per
     * pixel ({@link MapChannels}). The attributions themselves stay C×H×W.
     */
    default boolean repeatsOverChannels() {
        return false;
    }

    /**
     * Why this method cannot run on a model, known before running it ({@code supportsCam}: the model
     * was uploaded as features and classifier); empty when it can.
     */
    default Optional<String> refusal(boolean supportsCam) {
        return Optional.empty();
    }

    /**
     * Why this method cannot run on a tabular model's rows (a method made for images: class
     * activation maps, upsampled random masks); empty when it can. A method on rows sees 1×1×F
     * inputs and {@link ExplainableModel#tabular()}.
     */
    default Optional<String> refusalOnRows() {
        return Optional.empty();
    }

    /** Why this method cannot run on a model: on rows ({@code rows}) first {@link #refusalOnRows}, then {@link #refusal(boolean)}. */
    default Optional<String> refusal(boolean supportsCam, boolean rows) {
        Optional<String> onRows = rows ? refusalOnRows() : Optional.empty();
        return onRows.isPresent() ? onRows : refusal(supportsCam);
    }

    /**
     * The parameters as the method uses them on H×W inputs, where it clamps one (an occlusion window
     * larger than the image is the whole image): what is stored and answered is the value used.
     */
    default MethodParameters used(MethodParameters params, int height, int width) {
        return params;
    }

    /** Binds given parameters ({@link MethodParameters.Spec#bind}) as used on H×W inputs ({@link #used}). */
    default MethodParameters bind(Map<String, String> given, int height, int width) {
        return used(parameters().bind(name(), given), height, width);
    }

    /**
     * True when the map is the input gradient of the target logit itself, unchanged: a job or a
     * single map then takes the prediction from the same forward pass as the map.
     */
    default boolean isPlainGradient() {
        return false;
    }

    Attribution attribute(ExplainableModel model, InputBatch inputs, int[] targets, MethodParameters params);
}
