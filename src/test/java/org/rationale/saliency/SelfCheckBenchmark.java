package org.rationale.saliency;

import org.rationale.testing.Host;
import ai.djl.Device;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.rationale.dataset.DatasetService;
import org.rationale.dataset.IdxSource;
import org.rationale.dataset.ImportLimits;
import org.rationale.dataset.LabelledImage;
import org.rationale.demo.DecoyFashionMnist;
import org.rationale.explain.ExplainableModel;
import org.rationale.explain.InputBatch;
import org.rationale.model.InputSpec;
import org.rationale.model.ModelTrainer;
import org.rationale.model.TorchScriptModel;
import org.rationale.model.TrainedCnnModel;
import org.rationale.model.TrainingRequest;
import org.rationale.testing.RealModels;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * What the worker's self-check sees on this host, and why: a batch of {@code m.batch} test images
 * (64, a CPU worker's claim) is attributed, then the same maps are computed again three ways —
 * the identical batch, a random sub-batch of {@code m.sub} of its rows (what the self-check did
 * until session 10), and single rows alone — {@code m.rounds} times. For each way: maps compared,
 * maps not bitwise equal, maps the self-check's float16 rule calls different, and the largest
 * difference as a share of the map's largest magnitude. Models ({@code m.models}): {@code demo} (the
 * demo's SmallCnn trained on {@code m.n} decoyed Fashion-MNIST images, cached in target/),
 * {@code fixture} (the TorchScript CNN of the reference fixtures), {@code corner} (the corner-patch
 * TorchScript model). Run with different engine settings in the environment to compare them:
 * {@code ATEN_CPU_CAPABILITY=avx2 mvn -B -o test -Dtest=SelfCheckBenchmark -DexcludedGroups=none}.
 */
@Tag("benchmark")
class SelfCheckBenchmark {

    private static final InputSpec SPEC = new InputSpec("m", 1, 28, 28, 1.0 / 255, List.of(0.0), List.of(1.0),
            DecoyFashionMnist.CLASS_NAMES);

    /** Counts of one way of computing the maps again. */
    private static final class Tally {
        long maps;
        long notBitwise;
        long flagged;
        double largest;
        /** Rounds in which at least one map was flagged. */
        final List<Integer> rounds = new ArrayList<>();

        void add(int round, float[] first, float[] again) {
            maps++;
            if (!Arrays.equals(first, again)) {
                notBitwise++;
            }
            if (SelfCheck.disagreement(first, again).isPresent()) {
                flagged++;
                if (!rounds.contains(round)) {
                    rounds.add(round);
                }
            }
            double scale = 0;
            double d = 0;
            for (int i = 0; i < first.length; i++) {
                scale = Math.max(scale, Math.max(Math.abs(first[i]), Math.abs(again[i])));
                d = Math.max(d, Math.abs(first[i] - again[i]));
            }
            largest = Math.max(largest, scale == 0 ? 0 : d / scale);
        }

        String json() {
            return String.format(Locale.US, "{\"maps\":%d,\"notBitwise\":%d,\"flagged\":%d,\"largestShare\":%.3g,"
                    + "\"flaggedRounds\":%s}", maps, notBitwise, flagged, largest, rounds);
        }
    }

    @Test
    void measure() throws Exception {
        int batch = Integer.getInteger("m.batch", 64);
        int sub = Integer.getInteger("m.sub", 4);
        int rounds = Integer.getInteger("m.rounds", 20);
        List<String> names = List.of(System.getProperty("m.methods", "vanilla-gradient,integrated-gradients").split(","));
        AttributionMethods methods = new AttributionMethods();
        InputBatch x = testImages(batch);
        StringBuilder figures = new StringBuilder();
        for (String which : System.getProperty("m.models", "demo,fixture,corner").split(",")) {
            try (AutoCloseable closing = open(which)) {
                ExplainableModel model = (ExplainableModel) closing;
                InputBatch in = which.equals("fixture") ? fixtureInputs(batch) : x;
                int[] targets = predicted(model, in);
                for (String name : names) {
                    AttributionMethod method = methods.get(name);
                    MethodParameters params = method.bind(Map.of(), 28, 28);
                    Tally identical = new Tally();
                    Tally subBatch = new Tally();
                    Tally single = new Tally();
                    SplittableRandom random = new SplittableRandom(7);
                    long t0 = System.nanoTime();
                    for (int r = 0; r < rounds; r++) {
                        Attribution first = method.attribute(model, in, targets, params);
                        Attribution again = method.attribute(model, in, targets, params);
                        for (int j = 0; j < batch; j++) {
                            identical.add(r, first.sample(j), again.sample(j));
                        }
                        int[] rows = random.ints(0, batch).distinct().limit(sub).toArray();
                        Attribution part = method.attribute(model, rows(in, rows), pick(targets, rows), params);
                        for (int k = 0; k < rows.length; k++) {
                            subBatch.add(r, first.sample(rows[k]), part.sample(k));
                        }
                        int alone = rows[0];
                        Attribution one = method.attribute(model, rows(in, new int[] {alone}), new int[] {targets[alone]},
                                params);
                        single.add(r, first.sample(alone), one.sample(0));
                    }
                    double secs = (System.nanoTime() - t0) / 1e9;
                    String line = String.format(Locale.US, "\"%s/%s\":{\"identical\":%s,\"subBatch\":%s,\"single\":%s,"
                            + "\"seconds\":%.1f}", which, name, identical.json(), subBatch.json(), single.json(), secs);
                    System.out.println("FIGURES " + line);
                    figures.append(figures.length() == 0 ? "" : ",").append(line);
                }
            }
        }
        String env = List.of("ATEN_CPU_CAPABILITY", "DNNL_MAX_CPU_ISA", "OMP_NUM_THREADS").stream()
                .map(k -> "\"" + k + "\":\"" + System.getenv().getOrDefault(k, "") + "\"").collect(Collectors.joining(","));
        System.out.printf(Locale.US, "BENCH {\"name\":\"self-check\",\"machine\":\"%s\",%s,\"numThreads\":\"%s\","
                + "\"batch\":%d,\"sub\":%d,\"rounds\":%d,%s}%n", Host.machine(), env,
                System.getProperty("ai.djl.pytorch.num_threads", ""), batch, sub, rounds, figures);
    }

    private static AutoCloseable open(String which) throws Exception {
        switch (which) {
            case "demo":
                return demoModel();
            case "fixture":
                return ReferenceFixtures.load("cnn");
            case "corner":
                return TorchScriptModel.load(new InputSpec("c", 1, 28, 28, 1.0 / 255, List.of(0.0), List.of(1.0),
                        List.of("bright", "dark")), Files.readAllBytes(RealModels.cornerPatch()), null, null);
            default:
                throw new IllegalArgumentException("unknown model " + which);
        }
    }

    /** The demo's network trained on the first {@code m.n} decoyed training images, two epochs, cached. */
    private static TrainedCnnModel demoModel() throws Exception {
        int n = Integer.getInteger("m.n", 6000);
        Path cached = Path.of("target", "self-check-demo-cnn-" + n + ".params");
        if (!Files.exists(cached)) {
            List<DatasetService.LabelledPixels> train = load("train", n, true);
            TrainingRequest r = new TrainingRequest("m", "train", 2, 128, 1e-3, 2017L).validated();
            Files.write(cached, ModelTrainer.train(SPEC, train, r, Device.cpu(), p -> { }).parameters());
        }
        return TrainedCnnModel.load(SPEC, Files.readAllBytes(cached));
    }

    private static List<DatasetService.LabelledPixels> load(String prefix, int n, boolean training) throws Exception {
        Path dir = Path.of(System.getProperty("m.dir", "/usr/share/datasets/fashion-mnist"));
        ImportLimits limits = new ImportLimits(1L << 32, 1000, 100000, 1 << 20, 1L << 34);
        List<DatasetService.LabelledPixels> px = new ArrayList<>();
        try (var d = new DecoyFashionMnist(IdxSource.open(dir.resolve(prefix + "-images-idx3-ubyte.gz"), "i",
                dir.resolve(prefix + "-labels-idx1-ubyte.gz"), "l", limits), training, training ? 62528 : 62529)) {
            while (d.hasNext() && px.size() < n) {
                LabelledImage im = d.next();
                px.add(new DatasetService.LabelledPixels(px.size(), im.label(), 28, 28, 1, im.pixels()));
            }
        }
        return px;
    }

    private static InputBatch testImages(int n) throws Exception {
        List<DatasetService.LabelledPixels> test = load("t10k", n, false);
        float[] v = new float[n * 784];
        for (int i = 0; i < n; i++) {
            System.arraycopy(SPEC.preprocess(test.get(i).pixels(), 1), 0, v, i * 784, 784);
        }
        return new InputBatch(n, 1, 28, 28, v);
    }

    /** The fixture's own inputs repeated up to n rows. */
    private static InputBatch fixtureInputs(int n) {
        InputBatch f = ReferenceFixtures.inputs();
        int[] rows = new int[n];
        for (int i = 0; i < n; i++) {
            rows[i] = i % f.n();
        }
        return rows(f, rows);
    }

    private static int[] predicted(ExplainableModel model, InputBatch x) {
        float[] logits = Batches.logits(model, x);
        int c = model.classes();
        int[] out = new int[x.n()];
        for (int i = 0; i < x.n(); i++) {
            for (int j = 1; j < c; j++) {
                if (logits[i * c + j] > logits[i * c + out[i]]) {
                    out[i] = j;
                }
            }
        }
        return out;
    }

    private static InputBatch rows(InputBatch x, int[] rows) {
        int size = x.sampleSize();
        float[] v = new float[rows.length * size];
        for (int k = 0; k < rows.length; k++) {
            System.arraycopy(x.values(), rows[k] * size, v, k * size, size);
        }
        return x.with(rows.length, v);
    }

    private static int[] pick(int[] targets, int[] rows) {
        return Arrays.stream(rows).map(r -> targets[r]).toArray();
    }

}
