package org.rationale.scheduler;

import ai.djl.Device;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.rationale.explain.InputBatch;
import org.rationale.explain.TabularInput;
import org.rationale.model.Feedback;
import org.rationale.model.ModelTrainer;
import org.rationale.model.RowFeedback;
import org.rationale.model.TabularSpec;
import org.rationale.model.TabularTrainer;
import org.rationale.model.TrainedMlpModel;
import org.rationale.model.TrainingRequest;
import org.rationale.report.LearningCurvePlot;
import org.rationale.testing.Host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The feedback loop on table rows without a person: the breast-cancer demo, whose {@code site}
 * column encodes the diagnosis in training (95 %) and is random in test. Per seed, the platform's
 * MLP is trained without feedback; then for each strategy, rounds of reviews up to k = 5, 10, 20,
 * 40 rows, chosen by the strategy from what the platform sees (predictions, gradient × input maps
 * per feature, the marks so far); a simulated expert marks {@code site} as a shortcut on each
 * reviewed row whose map puts more than a uniform map's share (1/F) of its weight on it; the MLP
 * is retrained from scratch with every mark so far (RRR, λ 10, the features marked held against every training row, as a round does); test accuracy.
 *
 * <p>Run: {@code mvn -B -o test -Dtest=TabularSimulatedExpertBenchmark -DexcludedGroups=none
 * -Dbench.dataset=breast-cancer-site [-Dbench.seeds=3 -Dbench.feedback=rrr -Dbench.epochs=20
 * -Dbench.strategies=random,uncertainty,disagreement,hybrid]}; writes
 * {@code target/benchmarks/simulated-expert-breast-cancer-site.{csv,png}} and ends with one line
 * {@code BENCH {json}}.
 */
@Tag("benchmark")
class TabularSimulatedExpertBenchmark {

    static final Path DEMO = Path.of("src/main/resources/demo/breast-cancer-site");
    static final int[] REVIEWED = {5, 10, 20, 40};

    /** Encoded, standardised rows: n × 32 (30 numbers, site=A, site=B), labels 0 benign / 1 malignant. */
    record Table(float[] x, int[] labels) {
        int n() {
            return labels.length;
        }
    }

    /** One point of a curve. */
    record Row(long seed, String strategy, int reviewed, int marks, double accuracy, double siteShare) {
    }

    static final List<String> CLASSES = List.of("benign", "malignant");
    static final int INPUTS = 32;
    static final int FEATURES = 31;
    static final int SITE = 30;
    static final int[] FEATURE_OF_INPUT = new int[INPUTS];

    static {
        for (int i = 0; i < INPUTS; i++) {
            FEATURE_OF_INPUT[i] = Math.min(i, SITE);
        }
    }

    /** The raw encoded rows of a demo CSV (site one-hot, not yet standardised). */
    static Table read(String split) throws IOException {
        List<String> lines = Files.readAllLines(DEMO.resolve(split + ".csv"));
        List<String> header = Arrays.asList(lines.get(0).split(","));
        int site = header.indexOf("site");
        int label = header.indexOf("diagnosis");
        int n = lines.size() - 1;
        float[] x = new float[n * INPUTS];
        int[] y = new int[n];
        for (int r = 0; r < n; r++) {
            String[] cells = lines.get(r + 1).split(",");
            int c = 0;
            for (int j = 0; j < cells.length; j++) {
                if (j != site && j != label) {
                    x[r * INPUTS + c++] = Float.parseFloat(cells[j]);
                }
            }
            x[r * INPUTS + 30] = cells[site].equals("A") ? 1 : 0;
            x[r * INPUTS + 31] = cells[site].equals("B") ? 1 : 0;
            y[r] = CLASSES.indexOf(cells[label]);
        }
        return new Table(x, y);
    }

    /** Both tables standardised by the training split's mean and standard deviation, as the platform does. */
    static Table[] standardised(Table train, Table test) {
        float[][] out = {train.x().clone(), test.x().clone()};
        for (int c = 0; c < INPUTS; c++) {
            double sum = 0;
            for (int i = 0; i < train.n(); i++) {
                sum += train.x()[i * INPUTS + c];
            }
            double mean = sum / train.n();
            double sq = 0;
            for (int i = 0; i < train.n(); i++) {
                double d = train.x()[i * INPUTS + c] - mean;
                sq += d * d;
            }
            double std = Math.sqrt(sq / train.n());
            std = std > 1e-12 ? std : 1;
            for (float[] x : out) {
                for (int i = 0; i < x.length / INPUTS; i++) {
                    x[i * INPUTS + c] = (float) ((x[i * INPUTS + c] - mean) / std);
                }
            }
        }
        return new Table[] {new Table(out[0], train.labels()), new Table(out[1], test.labels())};
    }

    static TrainedMlpModel load(ModelTrainer.Result r) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < INPUTS; i++) {
            names.add("f" + i);
        }
        TabularSpec spec = new TabularSpec("bench", names, CLASSES, Collections.nCopies(INPUTS, 0.0),
                Collections.nCopies(INPUTS, 1.0));
        List<String> features = new ArrayList<>(names.subList(0, SITE));
        features.add("site");
        return TrainedMlpModel.load(spec.asInput(), r.parameters(), Device.cpu(),
                () -> new TabularInput(features, FEATURE_OF_INPUT, new float[INPUTS], new float[][] {new float[INPUTS]}));
    }

    /** Predicted-class probabilities and |gradient × input| per feature (31) of every row of a table. */
    record Evidence(float[][] probabilities, float[][] maps) {
    }

    static Evidence evidence(TrainedMlpModel m, Table t) {
        InputBatch in = new InputBatch(t.n(), 1, 1, INPUTS, t.x());
        float[] logits = m.logits(in);
        int[] predicted = new int[t.n()];
        float[][] p = new float[t.n()][];
        for (int i = 0; i < t.n(); i++) {
            double a = Math.exp(logits[2 * i]);
            double b = Math.exp(logits[2 * i + 1]);
            p[i] = new float[] {(float) (a / (a + b)), (float) (b / (a + b))};
            predicted[i] = p[i][1] > p[i][0] ? 1 : 0;
        }
        float[] g = m.gradient(in, predicted).gradient();
        float[][] maps = new float[t.n()][];
        for (int i = 0; i < t.n(); i++) {
            float[] map = new float[FEATURES];
            for (int c = 0; c < INPUTS; c++) {
                map[FEATURE_OF_INPUT[c]] += g[i * INPUTS + c] * t.x()[i * INPUTS + c];
            }
            for (int f = 0; f < FEATURES; f++) {
                map[f] = Math.abs(map[f]);
            }
            maps[i] = map;
        }
        return new Evidence(p, maps);
    }

    static double share(float[] map) {
        double total = 0;
        for (float v : map) {
            total += v;
        }
        return total > 0 ? map[SITE] / total : 0;
    }

    /** Test accuracy and the mean share of |gradient × input| on site over the test rows. */
    static double[] evaluate(ModelTrainer.Result r, Table test) {
        try (TrainedMlpModel m = load(r)) {
            double accuracy = TabularTrainer.accuracy(m, test.x(), test.labels());
            Evidence e = evidence(m, test);
            double sum = 0;
            for (float[] map : e.maps()) {
                sum += share(map);
            }
            return new double[] {accuracy, sum / test.n()};
        }
    }

    static ModelTrainer.Result train(Table train, TrainingRequest request, RowFeedback feedback) {
        return TabularTrainer.train(INPUTS, 2, train.x(), train.labels(), request, feedback, Device.cpu(), p -> { },
                (epoch, loss, accuracy) -> { });
    }

    static List<Row> loop(long seed, Strategy strategy, ModelTrainer.Result base, double[] baseEval, Table train,
                          Table test, TrainingRequest request, Feedback.Mode mode) {
        List<Row> rows = new ArrayList<>();
        rows.add(new Row(seed, strategy.value(), 0, 0, baseEval[0], baseEval[1]));
        ModelTrainer.Result model = base;
        Map<Integer, byte[]> marks = new LinkedHashMap<>();
        Set<Integer> reviewed = new HashSet<>();
        float[] siteInputs = new float[INPUTS];
        siteInputs[30] = 1;
        siteInputs[31] = 1;
        for (int round = 0; round < REVIEWED.length; round++) {
            int batch = REVIEWED[round] - reviewed.size();
            Evidence ev;
            try (TrainedMlpModel m = load(model)) {
                ev = evidence(m, train);
            }
            List<SampleEvidence> evidence = new ArrayList<>();
            for (int i = 0; i < train.n(); i++) {
                evidence.add(new SampleEvidence(i, ev.probabilities()[i], ev.maps()[i], null, marks.get(i)));
            }
            ScoreTable table = ScoreTable.of(evidence, FEATURES, 1);
            List<Integer> picked = new ArrayList<>();
            for (QueueRanker.Ranked r : QueueRanker.rank(table, strategy, Weights.DEFAULT, batch,
                    seed * 7919L + round, batch + reviewed.size())) {
                if (picked.size() < batch && !reviewed.contains((int) r.sampleId())) {
                    picked.add((int) r.sampleId());
                }
            }
            reviewed.addAll(picked);
            for (int i : picked) {
                // the expert marks site where the map gives it more than a uniform map would
                if (share(ev.maps()[i]) > 1.0 / FEATURES) {
                    byte[] mask = new byte[FEATURES];
                    mask[SITE] = 1;
                    marks.put(i, mask);
                }
            }
            List<RowFeedback.Example> examples = marks.keySet().stream()
                    .map(i -> new RowFeedback.Example(i, siteInputs)).toList();
            model = train(train, request, RowFeedback.of(mode, RowFeedback.DEFAULT_LAMBDA, siteInputs.length, examples));
            double[] e = evaluate(model, test);
            rows.add(new Row(seed, strategy.value(), reviewed.size(), marks.size(), e[0], e[1]));
            System.out.printf(Locale.ROOT, "BENCH seed %d %s: reviewed %d, marks %d, accuracy %.4f, site share %.3f%n",
                    seed, strategy.value(), reviewed.size(), marks.size(), e[0], e[1]);
        }
        return rows;
    }

    @Test
    void feedbackLoopOnRowsWithSimulatedExpert() throws IOException {
        String dataset = System.getProperty("bench.dataset", "breast-cancer-site");
        if (!dataset.equals("breast-cancer-site")) {
            throw new IllegalArgumentException("bench.dataset " + dataset + ": this benchmark runs breast-cancer-site");
        }
        int seeds = Integer.getInteger("bench.seeds", 3);
        int epochs = Integer.getInteger("bench.epochs", 20);
        Feedback.Mode mode = Feedback.Mode.parse(System.getProperty("bench.feedback", "rrr"));
        List<Strategy> strategies = Arrays.stream(System.getProperty("bench.strategies",
                "random,uncertainty,disagreement,hybrid").split(",")).map(Strategy::parse).toList();
        Table[] data = standardised(read("train"), read("test"));
        Table train = data[0];
        Table test = data[1];
        long t0 = System.nanoTime();
        List<Row> rows = new ArrayList<>();
        for (long seed = 1; seed <= seeds; seed++) {
            TrainingRequest request = new TrainingRequest("bench", "train", epochs, 32, 3e-3, seed).validated();
            ModelTrainer.Result base = train(train, request, RowFeedback.NONE);
            double[] baseEval = evaluate(base, test);
            System.out.printf(Locale.ROOT, "BENCH seed %d no feedback: accuracy %.4f, site share %.3f%n", seed,
                    baseEval[0], baseEval[1]);
            for (Strategy strategy : strategies) {
                rows.addAll(loop(seed, strategy, base, baseEval, train, test, request, mode));
                // after every curve, so that a run stopped early leaves the curves it finished
                write(rows, strategies, mode, epochs, seeds);
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        String table = write(rows, strategies, mode, epochs, seeds);
        System.out.println(table);
        System.out.println("BENCH " + summary(rows, strategies, mode, epochs, seeds, train.n(), test.n(), seconds));
    }

    /** Mean and sample standard deviation over seeds of the rows of a strategy at k reviewed. */
    static double[] stats(List<Row> rows, String strategy, int reviewed, boolean accuracy) {
        double[] v = rows.stream().filter(r -> r.strategy().equals(strategy) && r.reviewed() == reviewed)
                .mapToDouble(r -> accuracy ? r.accuracy() : r.siteShare()).toArray();
        double mean = Arrays.stream(v).average().orElse(Double.NaN);
        double sq = Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum();
        return new double[] {mean, v.length > 1 ? Math.sqrt(sq / (v.length - 1)) : 0};
    }

    static double marks(List<Row> rows, String strategy, int reviewed) {
        return rows.stream().filter(r -> r.strategy().equals(strategy) && r.reviewed() == reviewed)
                .mapToInt(Row::marks).average().orElse(Double.NaN);
    }

    static int[] ks() {
        int[] k = new int[REVIEWED.length + 1];
        System.arraycopy(REVIEWED, 0, k, 1, REVIEWED.length);
        return k;
    }

    /** Writes the CSV and the plot; answers the Markdown table. */
    static String write(List<Row> rows, List<Strategy> all, Feedback.Mode mode, int epochs, int seeds)
            throws IOException {
        // the strategies with rows so far (a run written after each curve has not measured the others yet)
        List<Strategy> strategies = all.stream().filter(s -> rows.stream().anyMatch(r -> r.strategy().equals(s.value())))
                .toList();
        Path dir = Path.of("target", "benchmarks");
        Files.createDirectories(dir);
        StringBuilder csv = new StringBuilder("seed,strategy,reviewed,marks,test_accuracy,site_share\n");
        for (Row r : rows) {
            csv.append(String.format(Locale.ROOT, "%d,%s,%d,%d,%.4f,%.4f%n", r.seed(), r.strategy(), r.reviewed(),
                    r.marks(), r.accuracy(), r.siteShare()));
        }
        Files.writeString(dir.resolve("simulated-expert-breast-cancer-site.csv"), csv);
        List<LearningCurvePlot.Series> series = new ArrayList<>();
        int[] ks = ks();
        for (Strategy s : strategies) {
            double[] x = Arrays.stream(ks).asDoubleStream().toArray();
            double[] y = Arrays.stream(ks).mapToDouble(k -> 100 * stats(rows, s.value(), k, true)[0]).toArray();
            series.add(new LearningCurvePlot.Series(s.value(), x, y, false));
        }
        double none = 100 * stats(rows, strategies.get(0).value(), 0, true)[0];
        series.add(new LearningCurvePlot.Series("no feedback", new double[] {0, ks[ks.length - 1]},
                new double[] {none, none}, true));
        Files.write(dir.resolve("simulated-expert-breast-cancer-site.png"), LearningCurvePlot.png(
                "Breast cancer with a site shortcut: test accuracy (" + mode.value() + ", " + epochs + " epochs, mean of "
                        + seeds + " seeds)", "reviewed rows", "test accuracy %", series, 820, 460));
        StringBuilder md = new StringBuilder("| strategy |");
        for (int k : ks) {
            md.append(" k = ").append(k).append(" |");
        }
        md.append("\n|---|").append("---|".repeat(ks.length)).append('\n');
        for (Strategy s : strategies) {
            md.append("| ").append(s.value()).append(" |");
            for (int k : ks) {
                double[] a = stats(rows, s.value(), k, true);
                md.append(String.format(Locale.ROOT, " %.1f ± %.1f (%.1f marks) |", 100 * a[0], 100 * a[1],
                        marks(rows, s.value(), k)));
            }
            md.append('\n');
        }
        return md.toString();
    }

    static String summary(List<Row> rows, List<Strategy> strategies, Feedback.Mode mode, int epochs, int seeds,
                          int trainRows, int testRows, double seconds) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", "simulated-expert-breast-cancer-site");
        out.put("machine", Host.machine());
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("train_rows", trainRows);
        settings.put("test_rows", testRows);
        settings.put("epochs", epochs);
        settings.put("batch_size", 32);
        settings.put("learning_rate", 3e-3);
        settings.put("feedback", mode.value());
        settings.put("lambda", RowFeedback.DEFAULT_LAMBDA);
        settings.put("seeds", seeds);
        settings.put("reviewed", REVIEWED);
        out.put("settings", settings);
        double none = stats(rows, strategies.get(0).value(), 0, true)[0];
        out.put("no_feedback", none);
        out.put("seconds", Math.round(seconds));
        Map<String, Object> curves = new LinkedHashMap<>();
        for (Strategy s : strategies) {
            Map<String, Object> c = new LinkedHashMap<>();
            for (int k : ks()) {
                double[] a = stats(rows, s.value(), k, true);
                double[] share = stats(rows, s.value(), k, false);
                c.put("k" + k, Map.of("accuracy", a[0], "sd", a[1], "marks", marks(rows, s.value(), k),
                        "site_share", share[0], "gain_points", 100 * (a[0] - none)));
            }
            curves.put(s.value(), c);
        }
        out.put("curves", curves);
        try {
            return new ObjectMapper().writeValueAsString(out);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
