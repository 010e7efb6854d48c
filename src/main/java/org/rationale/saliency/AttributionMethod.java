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

    /**
     * The parameters this method takes on an image model (or on the one kind of model it runs on), with
     * their defaults and limits.
     */
    MethodParameters.Spec parameters();

    /**
     * The parameters this method takes on a table model ({@code tabular}) or an image model: a method
     * with baselines offers a table model's ({@link TabularBaselines}) there and an image model's here.
     */
    default MethodParameters.Spec parameters(boolean tabular) {
        return parameters();
    }

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
     * was uploaded as features and classifier; {@code tabular}: it takes table rows, not images); empty
     * when it can.
     */
    default Optional<String> refusal(boolean supportsCam, boolean tabular) {
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

    /**
     * Why this method cannot run on a model, all reasons together: on rows ({@code rows}) first
     * {@link #refusalOnRows}, then {@link #refusal(boolean, boolean)}. Callers ask this one.
     */
    default Optional<String> refusalOn(boolean supportsCam, boolean rows) {
        Optional<String> onRows = rows ? refusalOnRows() : Optional.empty();
        return onRows.isPresent() ? onRows : refusal(supportsCam, rows);
    }

    /**
     * The parameters as the method uses them on H×W inputs, where it clamps one (an occlusion window
     * larger than the image is the whole image): what is stored and answered is the value used.
     */
    default MethodParameters used(MethodParameters params, int height, int width) {
        return params;
    }

    /** Binds given parameters ({@link MethodParameters.Spec#bind}) as used on an image model's H×W inputs ({@link #used}). */
    default MethodParameters bind(Map<String, String> given, int height, int width) {
        return bind(given, height, width, false);
    }

    /**
     * Binds given parameters as used on H×W inputs of a table model ({@code tabular}: 1×F) or an image
     * model: a baseline of the other kind of model is a 400 that says so.
     */
    default MethodParameters bind(Map<String, String> given, int height, int width, boolean tabular) {
        return used(bind(given, tabular), height, width);
    }

    /**
     * Binds given parameters for a table model ({@code tabular}) or an image model, before they meet an
     * input size (a job's request); a method that runs on one kind of model only refuses the other here.
     */
    default MethodParameters bind(Map<String, String> given, boolean tabular) {
        return parameters(tabular).bind(name(), given);
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
