package org.rationale.model;

import java.util.ArrayList;
import java.util.List;

/** What a model version says about one sample. */
public record Prediction(long sampleId, long modelId, int predictedLabel, String predictedClass, double confidence,
                         double entropy, double margin, List<Double> probabilities) {

    /** Softmax with its summary numbers. */
    public static Prediction of(long sampleId, long modelId, float[] logits, List<String> classes) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp(logits[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return ofProbabilities(sampleId, modelId, p, classes);
    }

    /** A prediction from its stored class probabilities, with the same summary numbers. */
    public static Prediction ofProbabilities(long sampleId, long modelId, float[] probabilities, List<String> classes) {
        double[] p = new double[probabilities.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = probabilities[i];
        }
        return ofProbabilities(sampleId, modelId, p, classes);
    }

    private static Prediction ofProbabilities(long sampleId, long modelId, double[] p, List<String> classes) {
        int best = 0;
        double entropy = 0;
        List<Double> probs = new ArrayList<>();
        for (int i = 0; i < p.length; i++) {
            probs.add(p[i]);
            if (p[i] > p[best]) {
                best = i;
            }
            if (p[i] > 0) {
                entropy -= p[i] * Math.log(p[i]);
            }
        }
        double second = 0;
        for (int i = 0; i < p.length; i++) {
            if (i != best) {
                second = Math.max(second, p[i]);
            }
        }
        return new Prediction(sampleId, modelId, best, classes.get(best), p[best], entropy, p[best] - second, probs);
    }
}
