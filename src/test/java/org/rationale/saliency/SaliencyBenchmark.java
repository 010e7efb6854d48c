package org.rationale.saliency;

import java.util.HashMap;
import java.util.LinkedHashMap;
import org.rationale.explain.InputBatch;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import ai.djl.nn.Block;
import org.rationale.model.InputSpec;
import org.rationale.model.TrainedCnnModel;
import org.rationale.testing.Host;

import java.util.List;

import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Prints maps per second of the engine's methods at batch 1, 16, 64 and 256 next to the bare-engine
 * limit measured in the same run: a plain DJL loop (input array, forward, backward of the target
 * logits, gradient read back) on the same model and batch. Not part of the default test run:
 * {@code mvn test -Dtest=SaliencyBenchmark -DexcludedGroups=none}.
 */
@Tag("benchmark")
class SaliencyBenchmark {

    private static final int[] BATCHES = {1, 16, 64, 256};
    private static final double SECONDS = Double.parseDouble(System.getProperty("benchmark.seconds", "1"));
    private static final int ROUNDS = Integer.getInteger("benchmark.rounds", 3);

    interface Run {
        void once(InputBatch x, int[] targets) throws Exception;
    }

    /** Maps per second: repeats until SECONDS have passed, after a warm-up. */
    private static double rate(Run run, InputBatch x, int[] targets, int mapsPerCall) throws Exception {
        for (int i = 0; i < 3; i++) {
            run.once(x, targets);
        }
        long t0 = System.nanoTime();
        long calls = 0;
        while (System.nanoTime() - t0 < SECONDS * 1e9 || calls < 3) {
            run.once(x, targets);
            calls++;
        }
        return calls * (double) mapsPerCall / ((System.nanoTime() - t0) / 1e9);
    }

    @Test
    void printsMapsPerSecondAgainstTheBareEngine() throws Exception {
        AttributionMethods methods = new AttributionMethods();
        StringBuilder table = new StringBuilder();
        StringBuilder json = new StringBuilder();
        table.append(String.format(Locale.ROOT, "%-28s %10s %10s %10s %10s%n", "maps/s (ratio to bare)", "batch 1", "16", "64", "256"));
        // the demo's CNN (SmallCnn, as trained for the decoy project); speed does not depend on the weights
        InputSpec spec = new InputSpec("bench", 1, 28, 28, 1.0 / 255, List.of(0.0), List.of(1.0),
                List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"));
        try (TrainedCnnModel model = TrainedCnnModel.initialised(spec)) {
            model.network().freezeParameters(true);
            Block bare = model.network();
            Map<String, Map<String, String>> rows = new LinkedHashMap<>();
            rows.put("vanilla-gradient", Map.of());
            rows.put("integrated-gradients", Map.of("steps", "32"));
            rows.put("grad-cam", Map.of());
            rows.put("occlusion", Map.of("window", "4", "stride", "4"));
            // bare engine also at 32 (IG at batch 1 runs its 32 steps as one batch of 32)
            int[] bareBatches = {1, 16, 32, 64, 256};
            Map<Integer, Double> bareRate = new HashMap<>();
            double[][] rates = new double[rows.size()][BATCHES.length];
            // rounds interleave the engine and the methods, so drift of a shared machine hits both; best of rounds
            for (int round = 0; round < ROUNDS; round++) {
                for (int n : bareBatches) {
                    InputBatch x = inputs(n);
                    bareRate.merge(n, rate((in, t) -> bareStep(bare, in, t), x, new int[n], n), Math::max);
                }
                for (int b = 0; b < BATCHES.length; b++) {
                    InputBatch x = inputs(BATCHES[b]);
                    int[] targets = new int[BATCHES[b]];
                    int r = 0;
                    for (var e : rows.entrySet()) {
                        AttributionMethod m = methods.get(e.getKey());
                        MethodParameters p = m.parameters().bind(m.name(), e.getValue());
                        rates[r][b] = Math.max(rates[r][b], rate((in, t) -> m.attribute(model, in, t, p), x, targets, BATCHES[b]));
                        r++;
                    }
                }
            }
            double[] bareRow = new double[BATCHES.length];
            double[] igRef = new double[BATCHES.length];
            for (int b = 0; b < BATCHES.length; b++) {
                bareRow[b] = bareRate.get(BATCHES[b]);
                // IG runs n×32 interpolated inputs in chunks of at most 256: its limit is the bare rate there, / 32
                igRef[b] = bareRate.get(Math.min(256, 32 * BATCHES[b])) / 32;
            }
            table.append(row("bare engine (fwd+bwd)", bareRow, null));
            json.append(figures("bare", bareRow, null));
            int r = 0;
            for (String name : rows.keySet()) {
                double[] ref = name.equals("vanilla-gradient") ? bareRow : name.equals("integrated-gradients") ? igRef : null;
                table.append(row(name + (name.equals("integrated-gradients") ? " (32 steps)" : ""), rates[r], ref));
                json.append(figures(name, rates[r], ref));
                r++;
            }
        }
        System.out.printf("%nSALIENCY BENCHMARK  demo CNN (SmallCnn: 2 conv + 2 dense, 1x28x28, 10 classes), %d cores, %s%n%s%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.arch"), table);
        System.out.printf(Locale.ROOT, "BENCH {\"name\":\"saliency\",\"model\":\"demo CNN\",\"machine\":\"%s\"%s}%n",
                Host.machine(), json);
    }

    /** Maps per second of a row at each batch size and, with a reference, their ratio to it, as JSON fields. */
    private static String figures(String name, double[] rates, double[] reference) {
        StringBuilder s = new StringBuilder();
        for (int b = 0; b < rates.length; b++) {
            s.append(String.format(Locale.ROOT, ",\"%s@%d\":%.1f", name, BATCHES[b], rates[b]));
            if (reference != null) {
                s.append(String.format(Locale.ROOT, ",\"%s@%dRatio\":%.3f", name, BATCHES[b], rates[b] / reference[b]));
            }
        }
        return s.toString();
    }

    private static String row(String name, double[] rates, double[] reference) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%-28s", name));
        for (int b = 0; b < rates.length; b++) {
            s.append(reference == null ? String.format(Locale.ROOT, " %10.0f", rates[b])
                    : String.format(Locale.ROOT, " %5.0f (%.2f)", rates[b], rates[b] / reference[b]));
        }
        return s.append('\n').toString();
    }

    private static void bareStep(Block block, InputBatch x, int[] targets) {
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
            NDArray in = manager.create(x.values(), new Shape(x.n(), 1, 28, 28));
            in.setRequiresGradient(true);
            try (GradientCollector c = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray out = block.forward(new ParameterStore(manager, false), new NDList(in), false).get(0);
                float[] hot = new float[x.n() * 10];
                for (int i = 0; i < x.n(); i++) {
                    hot[i * 10 + targets[i]] = 1;
                }
                c.backward(out.mul(manager.create(hot, new Shape(x.n(), 10))).sum());
            }
            in.getGradient().toFloatArray();
        }
    }

    private static InputBatch inputs(int n) {
        Random r = new Random(n);
        float[] v = new float[n * 784];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextFloat();
        }
        return new InputBatch(n, 1, 28, 28, v);
    }
}
