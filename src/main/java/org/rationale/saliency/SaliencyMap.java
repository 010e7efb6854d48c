package org.rationale.saliency;

import java.util.List;
import java.util.Map;

/**
 * A stored map with what it is of and how it was made, as the API returns it. {@code shape} is
 * [1, H, W] (one value a pixel, see {@link MapChannels}) unless {@code channels=all} was asked for
 * ([C, H, W]); {@code storedBytes} is what its row holds. {@code noSignal} says
 * why the map has no signal (all zero or constant, see {@link MapSignal}; null when it has one): it
 * cannot be judged, judge by another method. {@code selfCheck} says why the map is suspect when the
 * worker that computed it failed its self-check (null otherwise).
 */
public record SaliencyMap(long id, long sampleId, long modelId, String method, Map<String, String> params,
                          int targetClass, String targetName, List<Integer> shape, float[] values,
                          Map<String, Double> metrics, int storedBytes, String noSignal, String selfCheck) {
}
