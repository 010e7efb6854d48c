package org.rationale.model;

import java.util.ArrayList;
import java.util.Arrays;
import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.util.Pair;
import org.junit.jupiter.api.Test;
import org.rationale.dataset.DatasetService;
import org.rationale.explain.InputBatch;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The feedback that training takes from the experts: the RRR penalty's gradient and counterexamples. */
class FeedbackTrainingTest {

    private static final InputSpec SPEC = new InputSpec("t", 1, 28, 28, 1.0 / 255, List.of(0.0), List.of(1.0),
            List.of("a", "b", "c"));

    /**
     * Three classes told apart by where a faint bar lies, and a bright corner patch whose shade
     * tells the label on every training image: without feedback the network looks at the patch;
     * with the RRR penalty on the patch of 12 images, it must look at the bars.
     */
    @Test
    void rightForTheRightReasonsMovesAttributionOffTheShortcut() {
        List<DatasetService.LabelledPixels> train = shortcutData(600, true, 11);
        List<DatasetService.LabelledPixels> test = shortcutData(300, false, 12);
        byte[] corner = new byte[784];
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                corner[y * 28 + x] = 1;
            }
        }
        List<Feedback.Example> reviewed = train.subList(0, 12).stream().map(p -> new Feedback.Example(p, corner)).toList();
        TrainingRequest r = new TrainingRequest("t", "train", 5, 32, 3e-3, 5L).validated();
        ModelTrainer.Result plain = ModelTrainer.train(SPEC, train, r, Device.cpu(), p -> { });
        ModelTrainer.Result rrr = ModelTrainer.train(SPEC, train, r,
                new Feedback(Feedback.Mode.RRR, 1000, 12, reviewed), Device.cpu(), p -> { });
        double plainMass = cornerMass(plain, test, corner);
        double rrrMass = cornerMass(rrr, test, corner);
        double plainAccuracy = accuracy(plain, test);
        double rrrAccuracy = accuracy(rrr, test);
        assertTrue(plainMass > 0.08, "without feedback the network leans on the patch: " + plainMass);
        assertTrue(rrrMass < plainMass / 3, "with RRR the patch's share falls: " + plainMass + " -> " + rrrMass);
        assertTrue(rrrAccuracy > plainAccuracy + 0.2, "and the misleading test patch fools it less: "
                + plainAccuracy + " -> " + rrrAccuracy);
    }

    @Test
    void counterexamplesTeachTheNetworkToIgnoreTheShortcut() {
        List<DatasetService.LabelledPixels> train = shortcutData(600, true, 11);
        List<DatasetService.LabelledPixels> test = shortcutData(300, false, 12);
        byte[] corner = new byte[784];
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                corner[y * 28 + x] = 1;
            }
        }
        List<Feedback.Example> reviewed = train.subList(0, 12).stream().map(p -> new Feedback.Example(p, corner)).toList();
        TrainingRequest r = new TrainingRequest("t", "train", 5, 32, 3e-3, 5L).validated();
        ModelTrainer.Result plain = ModelTrainer.train(SPEC, train, r, Device.cpu(), p -> { });
        ModelTrainer.Result counter = ModelTrainer.train(SPEC, train, r,
                new Feedback(Feedback.Mode.COUNTEREXAMPLES, 0, 32, reviewed), Device.cpu(), p -> { });
        assertTrue(accuracy(counter, test) > accuracy(plain, test) + 0.07, "counterexamples: "
                + accuracy(plain, test) + " -> " + accuracy(counter, test));
    }

    /** Label k: mostly a faint vertical bar at column 8 + 6k; training images carry a patch of shade 255 − 100k, test ones a random shade. */
    private static List<DatasetService.LabelledPixels> shortcutData(int n, boolean training, long seed) {
        Random random = new Random(seed);
        List<DatasetService.LabelledPixels> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int label = i % 3;
            byte[] px = new byte[784];
            for (int p = 0; p < 784; p++) {
                px[p] = (byte) random.nextInt(40);
            }
            // the bars tell the label only four times in five: the patch (always right in training) is the easier cue
            int col = 8 + 6 * (random.nextDouble() < 0.8 ? label : random.nextInt(3));
            for (int y = 6; y < 22; y++) {
                px[y * 28 + col] = (byte) 90;
                px[y * 28 + col + 1] = (byte) 90;
            }
            int shade = 255 - 100 * (training ? label : random.nextInt(3));
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 4; x++) {
                    px[y * 28 + x] = (byte) shade;
                }
            }
            out.add(new DatasetService.LabelledPixels(i, label, 28, 28, 1, px));
        }
        return out;
    }

    private static double cornerMass(ModelTrainer.Result result, List<DatasetService.LabelledPixels> data, byte[] corner) {
        try (TrainedCnnModel m = TrainedCnnModel.load(SPEC, result.parameters(), Device.cpu())) {
            float[] x = new float[data.size() * 784];
            int[] targets = new int[data.size()];
            for (int i = 0; i < data.size(); i++) {
                System.arraycopy(SPEC.preprocess(data.get(i).pixels(), 1), 0, x, i * 784, 784);
                targets[i] = data.get(i).label();
            }
            float[] g = m.gradient(new InputBatch(data.size(), 1, 28, 28, x), targets).gradient();
            double inside = 0;
            double total = 0;
            for (int i = 0; i < g.length; i++) {
                double a = Math.abs(g[i]);
                total += a;
                inside += corner[i % 784] != 0 ? a : 0;
            }
            return inside / total;
        }
    }

    private static double accuracy(ModelTrainer.Result result, List<DatasetService.LabelledPixels> data) {
        try (TrainedCnnModel m = TrainedCnnModel.load(SPEC, result.parameters(), Device.cpu())) {
            return ModelTrainer.accuracy(m, data);
        }
    }

    @Test
    void penaltyLeavesTheGradientsOfTheCrossEntropyAloneWhenLambdaIsZero() {
        try (Model model = Model.newInstance("t", Device.cpu(), "PyTorch")) {
            SequentialBlock block = SmallCnn.whole(SmallCnn.features(), SmallCnn.head(3));
            model.setBlock(block);
            try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()))) {
                trainer.initialize(new Shape(1, 1, 28, 28));
                zeroGradients(trainer, block, trainer.getManager());
                float[] before = block.getParameters().get(0).getValue().getArray().getGradient().toFloatArray();
                RightForTheRightReasons.addPenaltyGradients(block, trainer.getManager(),
                        new InputBatch(1, 1, 28, 28, new float[784]), new float[784], 0);
                assertArrayEquals(before, block.getParameters().get(0).getValue().getArray().getGradient().toFloatArray());
            }
        }
    }

    @Test
    void counterexamplesRandomiseOnlyTheMarkedPixelsAndKeepTheLabel() {
        byte[] px = new byte[784];
        Arrays.fill(px, (byte) 100);
        byte[] mask = new byte[784];
        for (int i = 0; i < 16; i++) {
            mask[i] = 1;
        }
        var image = new DatasetService.LabelledPixels(1, 2, 28, 28, 1, px);
        Feedback f = new Feedback(Feedback.Mode.COUNTEREXAMPLES, 0, 4, List.of(new Feedback.Example(image, mask)));
        ModelTrainer.FeedbackBatch b = ModelTrainer.feedbackBatch(SPEC, f, new int[] {0}, new Random(1));
        assertNull(b.originals(), "no penalty asked");
        assertEquals(1, b.extraRows().n(), "one example, one copy per batch");
        assertEquals(2f, b.labels()[0]);
        float[] v = b.extraRows().values();
        int changed = 0;
        for (int i = 0; i < 784; i++) {
            if (i < 16) {
                changed += Math.abs(v[i] - 100 / 255f) > 1e-6 ? 1 : 0;
            } else {
                assertEquals(100 / 255f, v[i], 1e-6, "unmarked pixel " + i);
            }
        }
        assertTrue(changed >= 14, "marked pixels are randomised, " + changed + " of 16 changed");
        ModelTrainer.FeedbackBatch again = ModelTrainer.feedbackBatch(SPEC, f, new int[] {0}, new Random(2));
        assertNotEquals(Arrays.toString(Arrays.copyOf(v, 16)),
                Arrays.toString(Arrays.copyOf(again.extraRows().values(), 16)), "fresh noise each batch");
    }

    @Test
    void bothModesCarryOriginalsWithMasksAndCounterexamples() {
        var image = new DatasetService.LabelledPixels(1, 1, 28, 28, 1, new byte[784]);
        byte[] mask = new byte[784];
        mask[5] = 1;
        Feedback f = new Feedback(Feedback.Mode.BOTH, 1000, 8, List.of(new Feedback.Example(image, mask),
                new Feedback.Example(image, mask)));
        ModelTrainer.FeedbackBatch b = ModelTrainer.feedbackBatch(SPEC, f, new int[] {0}, new Random(1));
        assertEquals(2, b.originals().n());
        assertEquals(4, b.extraRows().n(), "originals and their copies in the cross-entropy");
        assertEquals(1f, b.masks()[5]);
        assertEquals(0f, b.masks()[6]);
    }

    /**
     * The penalty from a first-order input gradient, the oracle of the finite differences: the
     * median of three evaluations, because libtorch's CPU backward here now and then (about one
     * call in ten, in a fresh engine) returns a different input gradient for the same input.
     */
    private static double penalty(Trainer trainer, InputBatch in, float[] mask) {
        double[] v = {penaltyOnce(trainer, in, mask), penaltyOnce(trainer, in, mask), penaltyOnce(trainer, in, mask)};
        Arrays.sort(v);
        return v[1];
    }

    private static double penaltyOnce(Trainer trainer, InputBatch in, float[] mask) {
        try (NDManager m = trainer.getManager().newSubManager()) {
            NDArray x = m.create(in.values(), new Shape(in.n(), in.channels(), in.height(), in.width()));
            x.setRequiresGradient(true);
            try (GradientCollector c = trainer.newGradientCollector()) {
                NDArray out = trainer.forward(new NDList(x)).singletonOrThrow();
                c.backward(out.logSoftmax(1).sum());
            }
            float[] g = x.getGradient().toFloatArray();
            double pen = 0;
            for (int i = 0; i < g.length; i++) {
                pen += mask[i] * g[i] * g[i];
            }
            return pen;
        }
    }

    private static void zeroGradients(Trainer trainer, SequentialBlock block, NDManager mgr) {
        try (NDManager m = mgr.newSubManager(); GradientCollector c = trainer.newGradientCollector()) {
            NDArray out = trainer.forward(new NDList(m.zeros(new Shape(1, 1, 28, 28)))).singletonOrThrow();
            c.backward(out.mul(0).sum());
        }
        for (Pair<String, Parameter> p : block.getParameters()) {
            NDArray g = p.getValue().getArray().getGradient();
            g.subi(g);
        }
    }
}
