package org.rationale.worker;

import java.util.List;
import java.util.Map;

/**
 * A job request: {@code type} = {@code saliency} (maps) or {@code predict} (predictions only); the
 * model; for saliency, methods with their parameters and the target; the samples as a list of ids
 * or {@code {projectId, split}}; a priority (higher first).
 */
public record SaliencyJobRequest(String type, Long modelId, List<MethodRequest> methods, Object samples, String target,
                                 Integer priority) {

    /** One method of the job and its parameters by name. */
    public record MethodRequest(String name, Map<String, String> params) {
    }
}
