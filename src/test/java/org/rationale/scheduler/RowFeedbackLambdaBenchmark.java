package org.rationale.scheduler;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.rationale.model.Feedback;
import org.rationale.model.RowFeedback;
import org.rationale.model.TrainingRequest;
import org.rationale.testing.Host;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which λ feedback on rows wants, now that the features marked are held against every training
 * row: on the breast-cancer demo, {@code site} marked on five training rows, the platform's MLP
 * retrained (20 epochs, batch 32) with RRR, counterexamples and both at λ 1, 10, 100 and 1,000,
 * learning rates 0.01 and 0.003, seeds 1–3, against no feedback; test accuracy on the split where
 * {@code site} is random. It chose {@link RowFeedback#DEFAULT_LAMBDA}.
 *
 * <p>Run: {@code mvn -B -o test -Dtest=RowFeedbackLambdaBenchmark -DexcludedGroups=none}; prints one
 * line per training and ends with {@code BENCH {json}} (min and max over seeds per setting).
 */
@Tag("benchmark")
class RowFeedbackLambdaBenchmark {

    @Test
    void lambdaForFeedbackHeldAgainstEveryRow() throws IOException {
        TabularSimulatedExpertBenchmark.Table[] data = TabularSimulatedExpertBenchmark.standardised(
                TabularSimulatedExpertBenchmark.read("train"), TabularSimulatedExpertBenchmark.read("test"));
        float[] site = new float[TabularSimulatedExpertBenchmark.INPUTS];
        site[30] = 1;
        site[31] = 1;
        List<RowFeedback.Example> marked = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            marked.add(new RowFeedback.Example(i * 70, site));
        }
        Map<String, double[]> range = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        for (long seed = 1; seed <= 3; seed++) {
            for (double lr : new double[] {0.01, 0.003}) {
                TrainingRequest request = new TrainingRequest("lambda", "train", 20, 32, lr, seed).validated();
                record(range, String.format(Locale.ROOT, "none lr %.3f", lr), seed,
                        TabularSimulatedExpertBenchmark.evaluate(TabularSimulatedExpertBenchmark.train(data[0], request,
                                RowFeedback.NONE), data[1])[0]);
                for (Feedback.Mode mode : List.of(Feedback.Mode.RRR, Feedback.Mode.COUNTEREXAMPLES, Feedback.Mode.BOTH)) {
                    for (double lambda : mode == Feedback.Mode.COUNTEREXAMPLES ? new double[] {0} : new double[] {1, 10, 100, 1000}) {
                        double accuracy = TabularSimulatedExpertBenchmark.evaluate(TabularSimulatedExpertBenchmark.train(
                                data[0], request, RowFeedback.of(mode, lambda, site.length, marked)), data[1])[0];
                        record(range, String.format(Locale.ROOT, "%s λ %.0f lr %.3f", mode.value(), lambda, lr), seed, accuracy);
                    }
                }
            }
        }
        StringBuilder json = new StringBuilder("{\"name\":\"row-feedback-lambda\",\"machine\":\"" + Host.machine()
                + "\",\"seeds\":3,\"marked_rows\":5,\"seconds\":" + Math.round((System.nanoTime() - t0) / 1e9) + ",\"test_accuracy\":{");
        String sep = "";
        for (Map.Entry<String, double[]> e : range.entrySet()) {
            json.append(sep).append(String.format(Locale.ROOT, "\"%s\":[%.4f,%.4f]", e.getKey(), e.getValue()[0], e.getValue()[1]));
            sep = ",";
        }
        System.out.println("BENCH " + json + "}}");
    }

    private static void record(Map<String, double[]> range, String setting, long seed, double accuracy) {
        System.out.printf(Locale.ROOT, "LAMBDA seed %d %s: test accuracy %.4f%n", seed, setting, accuracy);
        double[] r = range.computeIfAbsent(setting, k -> new double[] {1, 0});
        r[0] = Math.min(r[0], accuracy);
        r[1] = Math.max(r[1], accuracy);
    }
}
