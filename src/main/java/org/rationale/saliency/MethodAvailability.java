package org.rationale.saliency;

/**
 * An attribution method as offered for one model version: {@code refusal} says why it cannot run on
 * that model (null when it can).
 */
public record MethodAvailability(String method, String refusal) {

    public boolean available() {
        return refusal == null;
    }
}
