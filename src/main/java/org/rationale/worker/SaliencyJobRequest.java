package org.rationale.worker;

import java.util.List;
import java.util.Map;

/**
 * A job request: {@code type} = {@code saliency}; the model; methods with their parameters; the
 * samples as a list of ids or {@code {projectId, split}}; the target; a priority (higher first).
 */
public record SaliencyJobRequest(String type, Long modelId, List<MethodRequest> methods, Object samples, String target,
                                 Integer priority) {

    /** One method of the job and its parameters by name. */
    public record MethodRequest(String name, Map<String, String> params) {
    }
}
