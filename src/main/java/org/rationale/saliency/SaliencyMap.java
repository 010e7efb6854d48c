package org.rationale.saliency;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Map;

/**
 * A stored map with what it is of and how it was made, as the API returns it. {@code shape} is
 * [1, H, W] (one value a pixel, see {@link MapChannels}) unless {@code channels=all} was asked for
 * ([C, H, W]); {@code storedBytes} is what its row holds. {@code noSignal} says
 * why the map has no signal (all zero or constant, see {@link MapSignal}; null when it has one): it
 * cannot be judged, judge by another method. {@code selfCheck} says why the map is suspect when the
 * worker that computed it failed its self-check (null otherwise). {@code curves} says where its
 * deletion/insertion curves are: {@link #COMPUTED} (in {@code metrics} as {@code deletionAuc} and
 * {@code insertionAuc}), {@link #PENDING} (being computed in the background: read the map again) or
 * {@link #NONE} (not asked for, e.g. a job's map, or the server was too busy: POST the map to queue them).
 * A row's curves move one feature a step ({@link DeletionInsertion#rowAucs}). A map of a table row has {@code shape} [F], one value
 * per feature named in {@code features} (a categorical column's one-hot columns summed); an image
 * map has no {@code features}.
 */
public record SaliencyMap(long id, long sampleId, long modelId, String method, Map<String, String> params,
                          int targetClass, String targetName, List<Integer> shape, float[] values,
                          Map<String, Double> metrics, int storedBytes, String noSignal, String selfCheck,
                          String curves, @JsonInclude(JsonInclude.Include.NON_NULL) List<String> features) {

    /** The metric of the deletion curve's area; the insertion curve's is {@code insertionAuc}. */
    public static final String DELETION_AUC = "deletionAuc";
    public static final String COMPUTED = "computed";
    public static final String PENDING = "pending";
    public static final String NONE = "none";

    /** A map whose curves are {@link #COMPUTED} when its metrics hold them, else {@link #NONE}. */
    public SaliencyMap(long id, long sampleId, long modelId, String method, Map<String, String> params,
                       int targetClass, String targetName, List<Integer> shape, float[] values,
                       Map<String, Double> metrics, int storedBytes, String noSignal, String selfCheck) {
        this(id, sampleId, modelId, method, params, targetClass, targetName, shape, values, metrics, storedBytes,
                noSignal, selfCheck, metrics.containsKey(DELETION_AUC) ? COMPUTED : NONE, null);
    }

    /** Whether the metrics hold the deletion/insertion curves. */
    public boolean hasCurves() {
        return metrics.containsKey(DELETION_AUC);
    }

    /** This map with its curves' state said again (metrics unchanged). */
    SaliencyMap withCurves(String state) {
        return new SaliencyMap(id, sampleId, modelId, method, params, targetClass, targetName, shape, values, metrics,
                storedBytes, noSignal, selfCheck, state, features);
    }

    /** This map with the given metrics (its curves computed). */
    SaliencyMap withMetrics(Map<String, Double> all) {
        return new SaliencyMap(id, sampleId, modelId, method, params, targetClass, targetName, shape, values,
                all, storedBytes, noSignal, selfCheck).withFeatures(features);
    }

    /** This map as a row's: shape [F] and the names of its F features (unchanged when {@code names} is null). */
    SaliencyMap withFeatures(List<String> names) {
        if (names == null) {
            return this;
        }
        return new SaliencyMap(id, sampleId, modelId, method, params, targetClass, targetName, List.of(names.size()),
                values, metrics, storedBytes, noSignal, selfCheck, curves, List.copyOf(names));
    }

    /** Whether this is the map of a table row (one value per feature). */
    public boolean ofRow() {
        return features != null;
    }
}
