package org.rationale.worker;

import java.util.List;
import java.util.Map;

/**
 * A job request as clients send it: {@code type} = {@code saliency} (maps), {@code predict}
 * (predictions only) or {@code sanity} (randomisation checks, one item per method); the model; the
 * methods with their parameters; for saliency, the target and the samples; a priority (higher first). The type stays text here so that an unknown one gets its own
 * 400 from {@link JobService#submit}.
 */
public record JobRequest(String type, Long modelId, List<MethodRequest> methods, SampleSelection samples, String target,
                         Integer priority) {

    /** A saliency job: maps of these methods for the selected samples. */
    public static JobRequest saliency(long modelId, List<MethodRequest> methods, SampleSelection samples, String target,
                                      int priority) {
        return new JobRequest(JobKind.SALIENCY.value(), modelId, methods, samples, target, priority);
    }

    /** One method of the job and its parameters by name. */
    public record MethodRequest(String name, Map<String, String> params) {
    }
}
