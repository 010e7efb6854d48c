package org.rationale.model;

import java.util.ArrayList;
import org.rationale.explain.InputBatch;
import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import org.rationale.dataset.DatasetService;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleConsumer;

/**
 * Trains a {@link SmallCnn} with DJL's Trainer: softmax cross-entropy, Adam, batches shuffled in
 * Java and fed contiguously (DJL's random-sampling dataset was six times slower here).
 */
public final class ModelTrainer {

    private ModelTrainer() {
    }

    /** Parameters of the trained network, and how training went. */
    public record Result(byte[] parameters, List<Double> epochLoss, List<Double> epochAccuracy) {
    }

    public static Result train(InputSpec spec, List<DatasetService.LabelledPixels> data, TrainingRequest r,
                               Device device, DoubleConsumer progress) {
        return train(spec, data, r, Feedback.NONE, device, progress);
    }

    /** Told after each epoch: its number (from 1), the mean training loss and the training accuracy of the epoch. */
    public interface EpochListener {
        void epochDone(int epoch, double loss, double accuracy);
    }

    /** Trains with the experts' feedback oversampled into every batch (see {@link Feedback}). */
    public static Result train(InputSpec spec, List<DatasetService.LabelledPixels> data, TrainingRequest r,
                               Feedback feedback, Device device, DoubleConsumer progress) {
        return train(spec, data, r, feedback, device, progress, (epoch, loss, accuracy) -> { });
    }

    /** As {@link #train(InputSpec, List, TrainingRequest, Feedback, Device, DoubleConsumer)}, telling {@code epochs} each epoch's figures. */
    public static Result train(InputSpec spec, List<DatasetService.LabelledPixels> data, TrainingRequest r,
                               Feedback feedback, Device device, DoubleConsumer progress, EpochListener epochs) {
        int n = data.size();
        int size = spec.channels() * spec.height() * spec.width();
        if ((long) n * size > Integer.MAX_VALUE - 16) {
            throw new ModelException("The split has " + n + " images of " + size + " values: too large to train in memory");
        }
        float[] x = new float[n * size];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            DatasetService.LabelledPixels s = data.get(i);
            System.arraycopy(spec.input(s.pixels(), s.width(), s.height(), s.channels()), 0, x, i * size, size);
            y[i] = s.label();
        }
        Engine.getEngine("PyTorch").setRandomSeed((int) (long) r.seed());
        List<Double> losses = new ArrayList<>();
        List<Double> accuracies = new ArrayList<>();
        try (Model model = Model.newInstance(SmallCnn.ARCHITECTURE, device, "PyTorch")) {
            SequentialBlock whole = SmallCnn.whole(SmallCnn.features(), SmallCnn.head(spec.classes().size()));
            model.setBlock(whole);
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optDevices(new Device[] {device})
                    .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(r.learningRate().floatValue())).build());
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(r.batchSize(), spec.channels(), spec.height(), spec.width()));
                Random random = new Random(r.seed());
                int[] order = new int[n];
                for (int i = 0; i < n; i++) {
                    order[i] = i;
                }
                int batches = (n + r.batchSize() - 1) / r.batchSize();
                int[] feedbackOrder = {0};
                for (int epoch = 0; epoch < r.epochs(); epoch++) {
                    for (int i = n - 1; i > 0; i--) {
                        int j = random.nextInt(i + 1);
                        int t = order[i];
                        order[i] = order[j];
                        order[j] = t;
                    }
                    double lossSum = 0;
                    long correct = 0;
                    for (int b = 0; b < batches; b++) {
                        int from = b * r.batchSize();
                        int m = Math.min(r.batchSize(), n - from);
                        FeedbackBatch fb = feedbackBatch(spec, feedback, feedbackOrder, random);
                        int extra = fb == null ? 0 : fb.extraRows().n();
                        float[] bx = new float[(m + extra) * size];
                        float[] by = new float[m + extra];
                        for (int k = 0; k < m; k++) {
                            int idx = order[from + k];
                            System.arraycopy(x, idx * size, bx, k * size, size);
                            by[k] = y[idx];
                        }
                        if (extra > 0) {
                            System.arraycopy(fb.extraRows().values(), 0, bx, m * size, extra * size);
                            System.arraycopy(fb.labels(), 0, by, m, extra);
                        }
                        try (NDManager mgr = trainer.getManager().newSubManager()) {
                            NDArray inputs = mgr.create(bx, new Shape(m + extra, spec.channels(), spec.height(), spec.width()));
                            NDArray labels = mgr.create(by, new Shape(m + extra));
                            EngineLock.GRADIENTS.lock();
                            try (GradientCollector collector = trainer.newGradientCollector()) {
                                NDArray pred = trainer.forward(new NDList(inputs)).singletonOrThrow();
                                NDArray loss = trainer.getLoss().evaluate(new NDList(labels), new NDList(pred));
                                collector.backward(loss);
                                lossSum += loss.getFloat() * m;
                                correct += pred.get("0:" + m).argMax(1).toType(DataType.FLOAT32, false)
                                        .eq(labels.get("0:" + m)).sum().getLong();
                            } finally {
                                EngineLock.GRADIENTS.unlock();
                            }
                            if (fb != null && fb.originals() != null) {
                                // Ross et al. sum the cross-entropy over the batch; DJL's is a mean, so λ is divided alike
                                RightForTheRightReasons.addPenaltyGradients(whole, mgr, fb.originals(), fb.masks(),
                                        feedback.lambda() / (m + extra));
                            }
                            trainer.step();
                        }
                        progress.accept((epoch + (b + 1.0) / batches) / r.epochs());
                    }
                    losses.add(lossSum / n);
                    accuracies.add(correct / (double) n);
                    epochs.epochDone(epoch + 1, lossSum / n, correct / (double) n);
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (DataOutputStream d = new DataOutputStream(out)) {
                whole.saveParameters(d);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new Result(out.toByteArray(), losses, accuracies);
        }
    }

    /**
     * The feedback a batch carries: the next examples in turn, as originals with their masks for
     * the penalty and/or as counterexamples with freshly randomised marked pixels; null without feedback.
     */
    record FeedbackBatch(InputBatch originals, float[] masks,
                         InputBatch extraRows, float[] labels) {
    }

    static FeedbackBatch feedbackBatch(InputSpec spec, Feedback feedback, int[] next, Random random) {
        if (!feedback.active()) {
            return null;
        }
        int size = spec.channels() * spec.height() * spec.width();
        int hw = spec.height() * spec.width();
        int k = Math.min(feedback.perBatch(), feedback.examples().size());
        float[] originals = new float[k * size];
        float[] masks = new float[k * size];
        float[] labels = new float[k];
        boolean copies = feedback.mode().counterexamples();
        float[] counter = new float[copies ? k * size : 0];
        for (int i = 0; i < k; i++) {
            Feedback.Example e = feedback.examples().get(next[0]++ % feedback.examples().size());
            byte[] px = e.image().pixels();
            int iw = e.image().width();
            int ih = e.image().height();
            System.arraycopy(spec.input(px, iw, ih, e.image().channels()), 0, originals, i * size, size);
            // the mask is painted in the image's pixels; the penalty is on the model's grid
            byte[] onGrid = spec.maskOnGrid(e.shortcut(), iw, ih);
            for (int c = 0; c < spec.channels(); c++) {
                for (int p = 0; p < hw; p++) {
                    masks[i * size + c * hw + p] = onGrid[p];
                }
            }
            labels[i] = e.image().label();
            if (copies) {
                byte[] randomised = px.clone();
                int ch = e.image().channels();
                for (int p = 0; p < iw * ih; p++) {
                    if (e.shortcut()[p] != 0) {
                        for (int c = 0; c < ch; c++) {
                            randomised[p * ch + c] = (byte) random.nextInt(256);
                        }
                    }
                }
                System.arraycopy(spec.input(randomised, iw, ih, ch), 0, counter, i * size, size);
            }
        }
        var shape = new InputBatch(k, spec.channels(), spec.height(), spec.width(), originals);
        boolean penalty = feedback.mode().penalty();
        // rows added to the batch's cross-entropy: the originals (with the penalty) and the counterexamples
        int rows = (penalty ? k : 0) + (copies ? k : 0);
        float[] extra = new float[rows * size];
        float[] extraLabels = new float[rows];
        int at = 0;
        if (penalty) {
            System.arraycopy(originals, 0, extra, 0, k * size);
            System.arraycopy(labels, 0, extraLabels, 0, k);
            at = k;
        }
        if (copies) {
            System.arraycopy(counter, 0, extra, at * size, k * size);
            System.arraycopy(labels, 0, extraLabels, at, k);
        }
        return new FeedbackBatch(penalty ? shape : null, masks, shape.with(rows, extra), extraLabels);
    }

    /** Share of samples whose predicted class is their label. */
    public static double accuracy(BlockModel model, List<DatasetService.LabelledPixels> data) {
        if (data.isEmpty()) {
            return Double.NaN;
        }
        InputSpec spec = model.spec();
        int size = spec.channels() * spec.height() * spec.width();
        int k = spec.classes().size();
        long correct = 0;
        for (int from = 0; from < data.size(); from += 512) {
            int m = Math.min(512, data.size() - from);
            float[] bx = new float[m * size];
            for (int i = 0; i < m; i++) {
                var s = data.get(from + i);
                System.arraycopy(spec.input(s.pixels(), s.width(), s.height(), s.channels()), 0, bx, i * size, size);
            }
            float[] logits = model.logits(new InputBatch(m, spec.channels(), spec.height(),
                    spec.width(), bx));
            for (int i = 0; i < m; i++) {
                int best = 0;
                for (int j = 1; j < k; j++) {
                    if (logits[i * k + j] > logits[i * k + best]) {
                        best = j;
                    }
                }
                if (best == data.get(from + i).label()) {
                    correct++;
                }
            }
        }
        return correct / (double) data.size();
    }
}
