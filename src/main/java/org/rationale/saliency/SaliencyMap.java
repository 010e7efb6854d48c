package org.rationale.saliency;

import java.util.List;
import java.util.Map;

/** A stored map with what it is of and how it was made, as the API returns it. */
public record SaliencyMap(long id, long sampleId, long modelId, String method, Map<String, String> params,
                          int targetClass, String targetName, List<Integer> shape, float[] values,
                          Map<String, Double> metrics, int storedBytes) {
}
