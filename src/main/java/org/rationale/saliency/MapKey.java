package org.rationale.saliency;

/** What identifies a stored map: sample, model version, method, canonical parameters and target class. */
record MapKey(long sampleId, long modelId, String method, String parameters, int target) {
}
