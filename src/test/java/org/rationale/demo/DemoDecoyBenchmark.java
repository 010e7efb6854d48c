package org.rationale.demo;

import ai.djl.Device;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.rationale.dataset.DatasetService;
import org.rationale.dataset.IdxSource;
import org.rationale.dataset.ImportLimits;
import org.rationale.dataset.LabelledImage;
import org.rationale.explain.InputBatch;
import org.rationale.model.InputSpec;
import org.rationale.model.ModelTrainer;
import org.rationale.model.TrainedCnnModel;
import org.rationale.model.TrainingRequest;
import org.rationale.testing.Host;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How well the demo's CNN learns the decoy under training settings, without the app: the first
 * {@code m.n} training and {@code m.nt} test images of a Fashion-MNIST folder, decoyed as the demo
 * does, trained with each {@code m.cfg} (epochs:batch:learning rate, comma-separated); prints the
 * accuracies and, for vanilla-gradient maps of the first 200 images of each split, the mean share
 * of |map| on the patch and on how many the hottest pixel lies in it.
 * {@code mvn test -Dtest=DemoDecoyBenchmark -DexcludedGroups=none -Dm.dir=src/main/resources/demo/fashion-mnist-subset -Dm.n=12000 -Dm.nt=1000 -Dm.cfg=8:64:0.001}
 */
@Tag("benchmark")
class DemoDecoyBenchmark {

    record Data(List<DatasetService.LabelledPixels> px, List<LabelledImage.Box> boxes) {
    }

    /** Of the maps of {@code k} images: mean and least share of |map| on the patch, hottest pixels in it. */
    record MapFigures(double share, double minShare, int hottestIn, int k) {
        String text() {
            return String.format(Locale.ROOT, "share=%.3f min=%.3f hottestIn=%d/%d", share, minShare, hottestIn, k);
        }

        String json(String prefix) {
            return String.format(Locale.ROOT, "\"%sShare\":%.4f,\"%sMinShare\":%.4f,\"%sHottestIn\":%d,\"%sMaps\":%d,"
                    + "\"%sHottestInRatio\":%.4f", prefix, share, prefix, minShare, prefix, hottestIn, prefix, k, prefix,
                    hottestIn / (double) k);
        }
    }

    static Data load(Path dir, String prefix, int n, boolean training, long seed) throws Exception {
        ImportLimits limits = new ImportLimits(1L << 32, 1000, 100000, 1 << 20, 1L << 34);
        List<DatasetService.LabelledPixels> px = new ArrayList<>();
        List<LabelledImage.Box> boxes = new ArrayList<>();
        try (var d = new DecoyFashionMnist(IdxSource.open(dir.resolve(prefix + "-images-idx3-ubyte.gz"), "i",
                dir.resolve(prefix + "-labels-idx1-ubyte.gz"), "l", limits), training, seed)) {
            while (d.hasNext() && px.size() < n) {
                LabelledImage im = d.next();
                px.add(new DatasetService.LabelledPixels(px.size(), im.label(), 28, 28, 1, im.pixels()));
                boxes.add(im.shortcut());
            }
        }
        return new Data(px, boxes);
    }

    @Test
    void measure() throws Exception {
        Path dir = Path.of(System.getProperty("m.dir", "/usr/share/datasets/fashion-mnist"));
        int n = Integer.getInteger("m.n", 2000);
        int nt = Integer.getInteger("m.nt", 500);
        long seed = 2017;
        Data train = load(dir, "train", n, true, seed * 31 + 1);
        Data test = load(dir, "t10k", nt, false, seed * 31 + 2);
        InputSpec spec = new InputSpec("m", 1, 28, 28, 1.0 / 255, List.of(0.0), List.of(1.0), DecoyFashionMnist.CLASS_NAMES);
        List<String> runs = new ArrayList<>();
        for (String cfg : System.getProperty("m.cfg", "2:128:0.001").split(",")) {
            String[] c = cfg.split(":");
            TrainingRequest r = new TrainingRequest("m", "train", Integer.parseInt(c[0]), Integer.parseInt(c[1]),
                    Double.parseDouble(c[2]), seed).validated();
            long t0 = System.nanoTime();
            ModelTrainer.Result res = ModelTrainer.train(spec, train.px(), r, Device.cpu(), p -> { });
            double secs = (System.nanoTime() - t0) / 1e9;
            try (TrainedCnnModel m = TrainedCnnModel.load(spec, res.parameters(), Device.cpu())) {
                double tr = ModelTrainer.accuracy(m, train.px());
                double te = ModelTrainer.accuracy(m, test.px());
                MapFigures trMap = maps(m, spec, train, 200);
                MapFigures teMap = maps(m, spec, test, 200);
                System.out.printf("RESULT n=%d cfg=%s secs=%.1f train=%.3f test=%.3f | trainMaps %s | testMaps %s%n",
                        n, cfg, secs, tr, te, trMap.text(), teMap.text());
                runs.add(String.format(Locale.ROOT, "{\"cfg\":\"%s\",\"trainSeconds\":%.2f,\"trainAccuracy\":%.4f,"
                        + "\"testAccuracy\":%.4f,%s,%s}", cfg, secs, tr, te, trMap.json("trainMap"), teMap.json("testMap")));
            }
        }
        System.out.printf(Locale.ROOT, "BENCH {\"name\":\"demo-decoy\",\"machine\":\"%s\",\"trainImages\":%d,\"testImages\":%d,"
                + "\"runs\":[%s]}%n", Host.machine(), n, nt, String.join(",", runs));
    }

    static MapFigures maps(TrainedCnnModel m, InputSpec spec, Data d, int k) {
        float[] x = new float[k * 784];
        for (int i = 0; i < k; i++) {
            System.arraycopy(spec.preprocess(d.px().get(i).pixels(), 1), 0, x, i * 784, 784);
        }
        float[] logits = m.logits(new InputBatch(k, 1, 28, 28, x));
        int[] targets = new int[k];
        for (int i = 0; i < k; i++) {
            int best = 0;
            for (int j = 1; j < 10; j++) {
                if (logits[i * 10 + j] > logits[i * 10 + best]) {
                    best = j;
                }
            }
            targets[i] = best;
        }
        float[] g = m.gradient(new InputBatch(k, 1, 28, 28, x), targets).gradient();
        double shareSum = 0;
        double minShare = 1;
        int hottestIn = 0;
        for (int i = 0; i < k; i++) {
            LabelledImage.Box b = d.boxes().get(i);
            double in = 0;
            double tot = 0;
            int hot = 0;
            for (int p = 0; p < 784; p++) {
                double a = Math.abs(g[i * 784 + p]);
                tot += a;
                int px = p % 28;
                int py = p / 28;
                if (px >= b.x() && px < b.x() + b.width() && py >= b.y() && py < b.y() + b.height()) {
                    in += a;
                }
                if (a > Math.abs(g[i * 784 + hot])) {
                    hot = p;
                }
            }
            int hx = hot % 28;
            int hy = hot / 28;
            if (hx >= b.x() && hx < b.x() + b.width() && hy >= b.y() && hy < b.y() + b.height()) {
                hottestIn++;
            }
            double s = in / tot;
            shareSum += s;
            minShare = Math.min(minShare, s);
        }
        return new MapFigures(shareSum / k, minShare, hottestIn, k);
    }
}
