package org.rationale.scheduler;

import org.rationale.testing.Host;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.rationale.dataset.ImportLimits;
import ai.djl.Device;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.rationale.dataset.DatasetService.LabelledPixels;
import org.rationale.dataset.IdxSource;
import org.rationale.dataset.LabelledImage;
import org.rationale.dataset.SampleSource;
import org.rationale.demo.DecoyFashionMnist;
import org.rationale.demo.MixedShortcutsFashionMnist;
import org.rationale.model.Feedback;
import org.rationale.model.InputSpec;
import org.rationale.model.ModelTrainer;
import org.rationale.model.TrainedCnnModel;
import org.rationale.model.TrainingRequest;
import org.rationale.report.LearningCurvePlot;
import org.rationale.explain.InputBatch;
import org.rationale.saliency.MethodParameters;
import org.rationale.saliency.Occlusion;
import org.rationale.saliency.RegionReliance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The feedback loop without a person: rounds of B reviews chosen by each strategy, a simulated
 * expert who knows each image's shortcut (rejects a map whose attribution mass on it exceeds a
 * threshold and paints it as a {@code shortcut} mask, accepts otherwise), retraining from scratch
 * with all masks so far, and test accuracy on images whose shortcuts are randomised. The
 * strategies see only what the platform sees: predictions, maps and the masks painted so far.
 *
 * <p>Run: {@code mvn test -Dtest=SimulatedExpertBenchmark -DexcludedGroups=none
 * -Dbench.dataset=decoy|mixed [-Dbench.rounds=3 -Dbench.batch=10 -Dbench.strategies=random,hybrid
 * -Dbench.feedback=rrr -Dbench.share=0.6 -Dbench.reject=area|0.05 -Dbench.epochs=2 -Dbench.pool=5000 -Dbench.train=60000]}; writes
 * {@code target/benchmarks/simulated-expert-<dataset>.{csv,png}} and {@code simulated-expert-<dataset>-reliance.png};
 * {@code -Dbench.experts=occlusion,gradient} chooses how the simulated expert judges (see {@link Expert}).
 * The run ends with one line {@code BENCH {json}}: the host, the settings and every figure ({@link #summary}).
 */
@Tag("benchmark")
class SimulatedExpertBenchmark {

    static final Path FASHION = Path.of("/usr/share/datasets/fashion-mnist");
    static final InputSpec SPEC = new InputSpec("bench", 1, 28, 28, 1.0 / 255, List.of(0.0), List.of(1.0),
            DecoyFashionMnist.CLASS_NAMES);
    /**
     * The simulated expert rejects a map with more than this share of its attribution on the
     * shortcut; by default ({@code area}) the shortcut's share of the image's pixels, i.e. the map
     * draws more on the shortcut than a uniform map would.
     */
    static final String REJECT_ABOVE = System.getProperty("bench.reject", "area");

    static double threshold(LabelledImage.Box box) {
        return REJECT_ABOVE.equals("area") ? box.width() * box.height() / 784.0 : Double.parseDouble(REJECT_ABOVE);
    }

    record Data(List<LabelledPixels> images, List<LabelledImage.Box> shortcuts) {
    }

    record Row(String strategy, String expert, int reviewed, int masks, double accuracy, double reliance,
               double shortcutMass, double seconds) {
    }

    /**
     * How the simulated expert judges a reviewed image that carries a shortcut: by the share of its
     * |input gradient| map on the shortcut ({@code gradient}, which RRR can mask), or by the share
     * of its occlusion map ({@code occlusion}: the drop of the predicted logit when a 4×4 window is
     * blacked out, which no gradient penalty can hide).
     */
    enum Expert {
        GRADIENT, OCCLUSION;

        String value() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Expert parse(String s) {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        }
    }

    static final Occlusion OCCLUSION = new Occlusion();
    static final MethodParameters OCCLUSION_PARAMS = OCCLUSION.parameters().bind("occlusion",
            Map.of("window", "4", "stride", "2"));

    @Test
    void feedbackLoopWithSimulatedExpert() throws IOException {
        String dataset = System.getProperty("bench.dataset", "decoy");
        int rounds = Integer.getInteger("bench.rounds", dataset.equals("decoy") ? 3 : 6);
        int batch = Integer.getInteger("bench.batch", 10);
        int epochs = Integer.getInteger("bench.epochs", 2);
        int poolSize = Integer.getInteger("bench.pool", 5000);
        double share = Double.parseDouble(System.getProperty("bench.share", "0.6"));
        Feedback.Mode mode = Feedback.Mode.parse(System.getProperty("bench.feedback", "rrr"));
        List<Strategy> strategies = Arrays.stream(System.getProperty("bench.strategies",
                "random,uncertainty,disagreement,hybrid").split(",")).map(Strategy::parse).toList();
        List<Expert> experts = Arrays.stream(System.getProperty("bench.experts", "occlusion,gradient").split(","))
                .map(Expert::parse).toList();

        int trainSize = Integer.getInteger("bench.train", 60_000);
        Data train = first(load("train", dataset, true, share, 101), trainSize);
        Data test = load("t10k", dataset, false, share, 202);
        Data clean = first(load("train", "plain", true, share, 101), trainSize);
        TrainingRequest request = new TrainingRequest("bench", "train", epochs, 128, 1e-3, 7L).validated();
        List<Row> rows = new ArrayList<>();
        Map<String, Double> references = new LinkedHashMap<>();

        long t0 = System.nanoTime();
        ModelTrainer.Result base = ModelTrainer.train(SPEC, train.images(), request, Device.cpu(), p -> { });
        double baseSeconds = (System.nanoTime() - t0) / 1e9;
        double[] baseEval = evaluate(base, test, train);
        references.put("no feedback", baseEval[0]);
        ModelTrainer.Result cleanModel = ModelTrainer.train(SPEC, clean.images(), request, Device.cpu(), p -> { });
        references.put("trained on clean images", evaluate(cleanModel, test, train)[0]);
        System.out.printf(Locale.ROOT, "BENCH %s: no feedback %.4f (shortcut mass %.3f, %.0f s to train); clean %.4f%n",
                dataset, baseEval[0], baseEval[1], baseSeconds, references.get("trained on clean images"));

        // the candidates: a fixed random pool of training images
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < train.images().size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(5));
        List<Integer> pool = order.subList(0, Math.min(poolSize, order.size()));
        long marked = pool.stream().filter(i -> train.shortcuts().get(i) != null).count();
        System.out.printf(Locale.ROOT, "BENCH pool %d images, %d with a shortcut%n", pool.size(), marked);

        for (Strategy strategy : strategies) {
            for (Expert expert : experts) {
                rows.addAll(loop(strategy, expert, base, baseEval, train, test, pool, rounds, batch, request, mode, dataset));
                // after every curve, so that a run stopped early leaves the curves it finished
                write(dataset, rows, references, mode, batch, epochs, share);
            }
        }
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("train_images", train.images().size());
        settings.put("epochs", epochs);
        settings.put("pool", pool.size());
        settings.put("pool_marked", marked);
        settings.put("rounds", rounds);
        settings.put("batch", batch);
        settings.put("feedback", mode.value());
        settings.put("share", dataset.equals("mixed") ? share : null);
        settings.put("reject_above", REJECT_ABOVE);
        System.out.println("BENCH " + summary(dataset, settings, references, rows, (System.nanoTime() - t0) / 1e9));
    }

    /**
     * The run's figures as one JSON object: settings, references, every row, and per curve its best
     * accuracy, its reliance from first to last round and how many times fewer reviews than random
     * selection (same expert) it needs to reach random selection's best accuracy.
     */
    static String summary(String dataset, Map<String, Object> settings, Map<String, Double> references, List<Row> rows,
                          double seconds) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", "simulated-expert-" + dataset);
        out.put("machine", Host.machine());
        out.put("settings", settings);
        out.put("no_feedback", references.get("no feedback"));
        out.put("clean", references.get("trained on clean images"));
        out.put("loss_points", 100 * (references.get("trained on clean images") - references.get("no feedback")));
        out.put("seconds", Math.round(seconds));
        List<Map<String, Object>> table = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("strategy", r.strategy());
            row.put("expert", r.expert());
            row.put("reviewed", r.reviewed());
            row.put("masks", r.masks());
            row.put("test_accuracy", r.accuracy());
            row.put("reliance", r.reliance());
            row.put("gradient_share", r.shortcutMass());
            row.put("seconds", Math.round(r.seconds()));
            table.add(row);
        }
        out.put("rows", table);
        Map<String, Object> curves = new LinkedHashMap<>();
        for (String curve : rows.stream().map(r -> r.strategy() + "/" + r.expert()).distinct().toList()) {
            List<Row> mine = rows.stream().filter(r -> curve.equals(r.strategy() + "/" + r.expert())).toList();
            Row best = mine.stream().max((a, b) -> Double.compare(a.accuracy(), b.accuracy())).orElseThrow();
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("best_accuracy", best.accuracy());
            c.put("reviews_to_best", best.reviewed());
            c.put("reliance_first", mine.get(0).reliance());
            c.put("reliance_last", mine.get(mine.size() - 1).reliance());
            c.put("reliance_falls_every_round", falls(mine));
            List<Row> random = rows.stream().filter(r -> r.strategy().equals("random")
                    && r.expert().equals(mine.get(0).expert())).toList();
            if (!random.isEmpty()) {
                Row randomBest = random.stream().max((a, b) -> Double.compare(a.accuracy(), b.accuracy())).orElseThrow();
                Integer reach = mine.stream().filter(r -> r.accuracy() >= randomBest.accuracy()).map(Row::reviewed)
                        .findFirst().orElse(null);
                c.put("reviews_to_random_best", reach);
                c.put("fewer_reviews_than_random", reach == null || reach == 0 ? null
                        : randomBest.reviewed() / (double) reach);
            }
            curves.put(curve, c);
        }
        out.put("curves", curves);
        try {
            return new ObjectMapper().writeValueAsString(out);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether reliance is lower after every round than before it. */
    static boolean falls(List<Row> curve) {
        for (int i = 1; i < curve.size(); i++) {
            if (!(curve.get(i).reliance() < curve.get(i - 1).reliance())) {
                return false;
            }
        }
        return true;
    }


    /**
     * Draws the plots again from a CSV of earlier runs ({@code -Dbench.csv=docs/data/simulated-expert-decoy.csv
     * -Dbench.dataset=decoy -Dbench.clean=0.852}; the clean model's accuracy is not in the CSV), e.g. after rows of
     * several runs were merged into one file.
     */
    @Test
    @EnabledIfSystemProperty(named = "bench.csv", matches = ".+")
    void plotsFromCsv() throws IOException {
        String dataset = System.getProperty("bench.dataset", "decoy");
        List<String> lines = Files.readAllLines(Path.of(System.getProperty("bench.csv")));
        if (!lines.get(0).equals("strategy,expert,reviewed,masks,test_accuracy,reliance,gradient_share")) {
            throw new IllegalArgumentException("not a simulated-expert CSV: " + lines.get(0));
        }
        List<Row> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            rows.add(new Row(f[0], f[1], Integer.parseInt(f[2]), Integer.parseInt(f[3]), Double.parseDouble(f[4]),
                    Double.parseDouble(f[5]), Double.parseDouble(f[6]), 0));
        }
        Map<String, Double> references = new LinkedHashMap<>();
        references.put("no feedback", rows.stream().filter(r -> r.reviewed() == 0).findFirst().orElseThrow().accuracy());
        references.put("trained on clean images", Double.parseDouble(System.getProperty("bench.clean")));
        write(dataset, rows, references, Feedback.Mode.parse(System.getProperty("bench.feedback", "rrr")),
                Integer.getInteger("bench.batch", 10), Integer.getInteger("bench.epochs", 2),
                Double.parseDouble(System.getProperty("bench.share", "0.6")));
    }

    /** Rounds of one strategy with one kind of simulated expert, from the model trained without feedback. */
    static List<Row> loop(Strategy strategy, Expert expert, ModelTrainer.Result base, double[] baseEval, Data train,
                          Data test, List<Integer> pool, int rounds, int batch, TrainingRequest request, Feedback.Mode mode,
                          String dataset) {
        List<Row> rows = new ArrayList<>();
        rows.add(new Row(strategy.value(), expert.value(), 0, 0, baseEval[0], baseEval[2], baseEval[1], 0));
        ModelTrainer.Result model = base;
        Map<Integer, byte[]> masks = new LinkedHashMap<>();
        List<Integer> reviewed = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            long r0 = System.nanoTime();
            Evidence ev = evidence(model, train, pool, masks);
            Set<Long> done = new HashSet<>();
            reviewed.forEach(i -> done.add((long) i));
            List<QueueRanker.Ranked> ranked = QueueRanker.rank(ev.table(), strategy, Weights.DEFAULT, batch,
                    round * 7919L, batch + reviewed.size());
            List<Integer> picked = new ArrayList<>();
            for (QueueRanker.Ranked r : ranked) {
                if (picked.size() == batch) {
                    break;
                }
                if (!done.contains(r.sampleId())) {
                    picked.add((int) r.sampleId());
                }
            }
            reviewed.addAll(picked);
            try (TrainedCnnModel m = TrainedCnnModel.load(SPEC, model.parameters(), Device.cpu())) {
                for (int idx : picked) {
                    LabelledImage.Box box = train.shortcuts().get(idx);
                    if (box == null) {
                        continue;
                    }
                    byte[] mask = boxMask(box);
                    float[] map = expert == Expert.GRADIENT ? ev.maps().get(idx) : occlusionMap(m, train, idx);
                    if (Localisation.massInside(map, mask) > threshold(box)) {
                        masks.put(idx, mask);
                    }
                }
            }
            List<Feedback.Example> examples = masks.entrySet().stream()
                    .map(e -> new Feedback.Example(train.images().get(e.getKey()), e.getValue())).toList();
            model = ModelTrainer.train(SPEC, train.images(), request,
                    new Feedback(mode, 1000, Math.min(32, Math.max(1, examples.size())), examples), Device.cpu(), p -> { });
            double[] e = evaluate(model, test, train);
            Row row = new Row(strategy.value(), expert.value(), reviewed.size(), masks.size(), e[0], e[2], e[1],
                    (System.nanoTime() - r0) / 1e9);
            rows.add(row);
            System.out.printf(Locale.ROOT, "BENCH %s %s/%s round %d: reviewed %d, masks %d, accuracy %.4f, "
                            + "reliance %.3f, gradient share %.3f (%.0f s)%n", dataset, strategy.value(), expert.value(),
                    round, row.reviewed(), row.masks(), row.accuracy(), row.reliance(), row.shortcutMass(), row.seconds());
        }
        return rows;
    }

    /** The occlusion map of the model's predicted class for one training image. */
    static float[] occlusionMap(TrainedCnnModel m, Data train, int idx) {
        InputBatch in = new InputBatch(1, 1, 28, 28, SPEC.preprocess(train.images().get(idx).pixels(), 1));
        float[] logits = m.logits(in);
        int best = 0;
        for (int k = 1; k < logits.length; k++) {
            best = logits[k] > logits[best] ? k : best;
        }
        return OCCLUSION.attribute(m, in, new int[] {best}, OCCLUSION_PARAMS).values();
    }

    /** Maps (|input gradient| of the predicted class) and predictions of the pool under a model. */
    record Evidence(ScoreTable table, Map<Integer, float[]> maps) {
    }

    static Evidence evidence(ModelTrainer.Result model, Data train, List<Integer> pool, Map<Integer, byte[]> masks) {
        Map<Integer, float[]> maps = new HashMap<>();
        List<SampleEvidence> evidence = new ArrayList<>();
        try (TrainedCnnModel m = TrainedCnnModel.load(SPEC, model.parameters(), Device.cpu())) {
            for (int from = 0; from < pool.size(); from += 256) {
                int n = Math.min(256, pool.size() - from);
                float[] x = new float[n * 784];
                for (int i = 0; i < n; i++) {
                    System.arraycopy(SPEC.preprocess(train.images().get(pool.get(from + i)).pixels(), 1), 0, x, i * 784, 784);
                }
                InputBatch in = new InputBatch(n, 1, 28, 28, x);
                float[] logits = m.logits(in);
                int[] predicted = new int[n];
                float[][] probabilities = new float[n][];
                for (int i = 0; i < n; i++) {
                    probabilities[i] = softmax(logits, i * 10, 10);
                    int best = 0;
                    for (int k = 1; k < 10; k++) {
                        best = probabilities[i][k] > probabilities[i][best] ? k : best;
                    }
                    predicted[i] = best;
                }
                float[] g = m.gradient(in, predicted).gradient();
                for (int i = 0; i < n; i++) {
                    float[] map = new float[784];
                    for (int p = 0; p < 784; p++) {
                        map[p] = Math.abs(g[i * 784 + p]);
                    }
                    int idx = pool.get(from + i);
                    maps.put(idx, map);
                    evidence.add(new SampleEvidence(idx, probabilities[i], map, null, masks.get(idx)));
                }
            }
        }
        return new Evidence(ScoreTable.of(evidence, 28, 28), maps);
    }

    /** Test accuracy and the mean share of |gradient| on the known shortcut (first 2,000 test images). */
    static double[] evaluate(ModelTrainer.Result model, Data test, Data train) {
        try (TrainedCnnModel m = TrainedCnnModel.load(SPEC, model.parameters(), Device.cpu())) {
            double accuracy = ModelTrainer.accuracy(m, test.images());
            double mass = 0;
            int counted = 0;
            int n = Math.min(2000, test.images().size());
            for (int from = 0; from < n; from += 256) {
                int b = Math.min(256, n - from);
                float[] x = new float[b * 784];
                int[] targets = new int[b];
                for (int i = 0; i < b; i++) {
                    System.arraycopy(SPEC.preprocess(test.images().get(from + i).pixels(), 1), 0, x, i * 784, 784);
                    targets[i] = test.images().get(from + i).label();
                }
                float[] g = m.gradient(new InputBatch(b, 1, 28, 28, x), targets).gradient();
                for (int i = 0; i < b; i++) {
                    LabelledImage.Box box = test.shortcuts().get(from + i);
                    if (box == null) {
                        continue;
                    }
                    float[] map = new float[784];
                    for (int p = 0; p < 784; p++) {
                        map[p] = Math.abs(g[i * 784 + p]);
                    }
                    mass += Localisation.massInside(map, boxMask(box));
                    counted++;
                }
            }
            return new double[] {accuracy, counted == 0 ? Double.NaN : mass / counted, reliance(m, test, train)};
        }
    }

    /** How many test images with a shortcut the reliance figure is measured on. */
    static final int RELIANCE_IMAGES = 300;
    static final int RELIANCE_DRAWS = 8;

    /**
     * The model's reliance on the known shortcuts, by intervention: over the first
     * {@link #RELIANCE_IMAGES} test images with a shortcut, the mean rate at which the predicted class
     * flips when the shortcut's region is pasted from {@link #RELIANCE_DRAWS} training images of other
     * classes ({@link RegionReliance}). Gradient masking cannot hide it: it asks the model, not its gradients.
     */
    static double reliance(TrainedCnnModel m, Data test, Data train) {
        double sum = 0;
        int counted = 0;
        Random random = new Random(17);
        for (int i = 0; i < test.images().size() && counted < RELIANCE_IMAGES; i++) {
            LabelledImage.Box box = test.shortcuts().get(i);
            if (box == null) {
                continue;
            }
            InputBatch x = new InputBatch(1, 1, 28, 28, SPEC.preprocess(test.images().get(i).pixels(), 1));
            float[] logits = m.logits(x);
            int predicted = 0;
            for (int k = 1; k < logits.length; k++) {
                predicted = logits[k] > logits[predicted] ? k : predicted;
            }
            float[] others = new float[RELIANCE_DRAWS * 784];
            for (int d = 0; d < RELIANCE_DRAWS; ) {
                LabelledPixels other = train.images().get(random.nextInt(train.images().size()));
                if (other.label() != predicted) {
                    System.arraycopy(SPEC.preprocess(other.pixels(), 1), 0, others, d * 784, 784);
                    d++;
                }
            }
            List<RegionReliance.Figures> f = RegionReliance.measure(m, x, boxMask(box), predicted,
                    new RegionReliance.Replacements(null, 0, new InputBatch(RELIANCE_DRAWS, 1, 28, 28, others)));
            sum += f.get(0).flipRate();
            counted++;
        }
        return counted == 0 ? Double.NaN : sum / counted;
    }

    static float[] softmax(float[] logits, int offset, int k) {
        float max = -Float.MAX_VALUE;
        for (int j = 0; j < k; j++) {
            max = Math.max(max, logits[offset + j]);
        }
        float[] p = new float[k];
        double sum = 0;
        for (int j = 0; j < k; j++) {
            p[j] = (float) Math.exp(logits[offset + j] - max);
            sum += p[j];
        }
        for (int j = 0; j < k; j++) {
            p[j] /= (float) sum;
        }
        return p;
    }

    /** The first n images (Fashion-MNIST's order is already shuffled). */
    static Data first(Data d, int n) {
        int m = Math.min(n, d.images().size());
        return new Data(d.images().subList(0, m), d.shortcuts().subList(0, m));
    }

    static byte[] boxMask(LabelledImage.Box box) {
        byte[] mask = new byte[784];
        for (int y = box.y(); y < box.y() + box.height(); y++) {
            for (int x = box.x(); x < box.x() + box.width(); x++) {
                mask[y * 28 + x] = 1;
            }
        }
        return mask;
    }

    static Data load(String prefix, String dataset, boolean training, double share, long seed) throws IOException {
        String images = prefix + "-images-idx3-ubyte.gz";
        String labels = prefix + "-labels-idx1-ubyte.gz";
        SampleSource plain = IdxSource.open(FASHION.resolve(images), images, FASHION.resolve(labels), labels,
                new ImportLimits(1L << 32, 200, 2_000_000, 1 << 20, 2_000_000_000L));
        SampleSource source = switch (dataset) {
            case "decoy" -> new DecoyFashionMnist(plain, training, seed);
            case "mixed" -> new MixedShortcutsFashionMnist(plain, training, share, seed);
            case "plain" -> plain;
            default -> throw new IllegalArgumentException("bench.dataset is decoy or mixed, not " + dataset);
        };
        List<LabelledPixels> out = new ArrayList<>();
        List<LabelledImage.Box> boxes = new ArrayList<>();
        try (source) {
            int i = 0;
            while (source.hasNext()) {
                LabelledImage img = source.next();
                out.add(new LabelledPixels(i++, img.label(), img.width(), img.height(), 1, img.pixels()));
                boxes.add(img.shortcut());
            }
        }
        return new Data(out, boxes);
    }

    static void write(String dataset, List<Row> rows, Map<String, Double> references, Feedback.Mode mode, int batch,
                      int epochs, double share) {
        try {
            Path dir = Path.of("target", "benchmarks");
            Files.createDirectories(dir);
            StringBuilder csv = new StringBuilder("strategy,expert,reviewed,masks,test_accuracy,reliance,gradient_share\n");
            for (Row r : rows) {
                csv.append(String.format(Locale.ROOT, "%s,%s,%d,%d,%.4f,%.4f,%.4f%n", r.strategy(), r.expert(), r.reviewed(),
                        r.masks(), r.accuracy(), r.reliance(), r.shortcutMass()));
            }
            Files.writeString(dir.resolve("simulated-expert-" + dataset + ".csv"), csv);
            String title = dataset.equals("decoy") ? "Decoy Fashion-MNIST" : "Mixed shortcuts";
            String setting = String.format(Locale.ROOT, "%s, rounds of %d, %d epochs%s", mode.value(), batch, epochs,
                    dataset.equals("mixed") ? ", share " + share : "");
            List<LearningCurvePlot.Series> series = new ArrayList<>();
            double maxReviewed = rows.stream().mapToInt(Row::reviewed).max().orElse(1);
            List<String> curves = rows.stream().map(r -> r.strategy() + "/" + r.expert()).distinct().toList();
            for (String curve : curves) {
                List<Row> mine = rows.stream().filter(r -> curve.equals(r.strategy() + "/" + r.expert())).toList();
                series.add(new LearningCurvePlot.Series(curve, mine.stream().mapToDouble(Row::reviewed).toArray(),
                        mine.stream().mapToDouble(r -> 100 * r.accuracy()).toArray(), curve.endsWith("/gradient")));
            }
            references.forEach((name, acc) -> series.add(new LearningCurvePlot.Series(name, new double[] {0, maxReviewed},
                    new double[] {100 * acc, 100 * acc}, true)));
            Files.write(dir.resolve("simulated-expert-" + dataset + ".png"), LearningCurvePlot.png(
                    title + ": test accuracy (" + setting + "; dashed: gradient expert)",
                    "reviewed images", "test accuracy %", series, 820, 460));
            // reliance (by intervention) and the gradient's share on the shortcut, per strategy of the occlusion expert
            List<LearningCurvePlot.Series> measures = new ArrayList<>();
            for (String curve : curves) {
                List<Row> mine = rows.stream().filter(r -> curve.equals(r.strategy() + "/" + r.expert())).toList();
                double[] x = mine.stream().mapToDouble(Row::reviewed).toArray();
                measures.add(new LearningCurvePlot.Series(curve + " reliance", x,
                        mine.stream().mapToDouble(r -> 100 * r.reliance()).toArray(), false));
                measures.add(new LearningCurvePlot.Series(curve + " gradient share", x,
                        mine.stream().mapToDouble(r -> 100 * r.shortcutMass()).toArray(), true));
            }
            Files.write(dir.resolve("simulated-expert-" + dataset + "-reliance.png"), LearningCurvePlot.png(
                    title + ": reliance (solid), gradient share (dashed)",
                    "reviewed images", "%", measures, 820, 460));
            System.out.println("BENCH wrote " + dir.resolve("simulated-expert-" + dataset + ".csv") + "\n" + csv);
            System.out.println("BENCH references " + references);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
