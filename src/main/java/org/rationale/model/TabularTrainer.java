package org.rationale.model;

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
import org.rationale.explain.InputBatch;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleConsumer;

/**
 * Trains a {@link TabularMlp} on standardised rows with DJL's Trainer: softmax cross-entropy, Adam,
 * the engine's initialisation and the batches' order seeded by the request's seed.
 */
public final class TabularTrainer {

    private TabularTrainer() {
    }

    /**
     * Trains on {@code n} rows of {@code features} standardised values ({@code x}, row-major) with
     * their labels; answers the parameters and each epoch's mean loss and training accuracy.
     */
    public static ModelTrainer.Result train(int features, int classes, float[] x, int[] labels, TrainingRequest r,
                                            Device device, DoubleConsumer progress, ModelTrainer.EpochListener epochs) {
        return train(features, classes, x, labels, r, RowFeedback.NONE, device, progress, epochs);
    }

    /**
     * As {@link #train(int, int, float[], int[], TrainingRequest, Device, DoubleConsumer, ModelTrainer.EpochListener)},
     * with the features the experts marked as shortcuts held against every batch (see {@link RowFeedback}).
     */
    public static ModelTrainer.Result train(int features, int classes, float[] x, int[] labels, TrainingRequest r,
                                            RowFeedback feedback, Device device, DoubleConsumer progress,
                                            ModelTrainer.EpochListener epochs) {
        int n = labels.length;
        Engine.getEngine("PyTorch").setRandomSeed((int) (long) r.seed());
        List<Double> losses = new ArrayList<>();
        List<Double> accuracies = new ArrayList<>();
        try (Model model = Model.newInstance(TabularMlp.ARCHITECTURE, device, "PyTorch")) {
            SequentialBlock network = TabularMlp.network(classes);
            model.setBlock(network);
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optDevices(new Device[] {device})
                    .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(r.learningRate().floatValue())).build());
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(r.batchSize(), features));
                Random random = new Random(r.seed());
                int[] order = new int[n];
                for (int i = 0; i < n; i++) {
                    order[i] = i;
                }
                int batches = (n + r.batchSize() - 1) / r.batchSize();
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
                        int[] rows = new int[m];
                        System.arraycopy(order, from, rows, 0, m);
                        FeedbackRows fb = feedbackRows(features, x, labels, feedback, rows, random);
                        int extra = fb == null ? 0 : fb.labels().length;
                        float[] bx = new float[(m + extra) * features];
                        float[] by = new float[m + extra];
                        for (int k = 0; k < m; k++) {
                            System.arraycopy(x, rows[k] * features, bx, k * features, features);
                            by[k] = labels[rows[k]];
                        }
                        if (extra > 0) {
                            System.arraycopy(fb.rows(), 0, bx, m * features, extra * features);
                            System.arraycopy(fb.labels(), 0, by, m, extra);
                        }
                        try (NDManager mgr = trainer.getManager().newSubManager()) {
                            NDArray inputs = mgr.create(bx, new Shape(m + extra, features));
                            NDArray truth = mgr.create(by, new Shape(m + extra));
                            EngineLock.GRADIENTS.lock();
                            try (GradientCollector collector = trainer.newGradientCollector()) {
                                NDArray pred = trainer.forward(new NDList(inputs)).singletonOrThrow();
                                NDArray loss = trainer.getLoss().evaluate(new NDList(truth), new NDList(pred));
                                collector.backward(loss);
                                lossSum += loss.getFloat() * m;
                                correct += pred.get("0:" + m).argMax(1).toType(DataType.FLOAT32, false)
                                        .eq(truth.get("0:" + m)).sum().getLong();
                            } finally {
                                EngineLock.GRADIENTS.unlock();
                            }
                            if (fb != null && fb.originals() != null) {
                                // as for images: Ross et al. sum the cross-entropy, DJL's is a mean
                                RightForTheRightReasons.addRowPenaltyGradients(network, mgr, fb.originals(), fb.masks(),
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
                network.saveParameters(d);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new ModelTrainer.Result(out.toByteArray(), losses, accuracies);
        }
    }

    /**
     * The feedback one batch carries: its rows with the shortcut mask (for the penalty; null
     * without it) and the counterexamples added to the batch's cross-entropy with their labels.
     */
    record FeedbackRows(InputBatch originals, float[] masks, float[] rows, float[] labels) {
    }

    /**
     * The feedback for a batch of training rows: with the penalty, the rows themselves under the
     * shortcut mask; with counterexamples, one copy of each row whose marked inputs take those of a
     * training row drawn at random (a categorical feature's one-hot inputs all from the same row, so
     * the copy stays a row the encoding can produce). Null without feedback.
     */
    static FeedbackRows feedbackRows(int features, float[] x, int[] labels, RowFeedback feedback, int[] batch,
                                     Random random) {
        if (!feedback.active()) {
            return null;
        }
        int n = labels.length;
        int k = batch.length;
        float[] shortcut = feedback.shortcut();
        InputBatch originals = null;
        float[] masks = null;
        if (feedback.mode().penalty()) {
            float[] own = new float[k * features];
            masks = new float[k * features];
            for (int i = 0; i < k; i++) {
                System.arraycopy(x, batch[i] * features, own, i * features, features);
                System.arraycopy(shortcut, 0, masks, i * features, features);
            }
            originals = new InputBatch(k, 1, 1, features, own);
        }
        int copies = feedback.mode().counterexamples() ? k : 0;
        float[] counter = new float[copies * features];
        float[] counterLabels = new float[copies];
        for (int i = 0; i < copies; i++) {
            int row = batch[i];
            // another row than this one (itself only when it is the only row)
            int donor = n == 1 ? 0 : random.nextInt(n - 1);
            donor += n > 1 && donor >= row ? 1 : 0;
            for (int c = 0; c < features; c++) {
                counter[i * features + c] = shortcut[c] != 0 ? x[donor * features + c] : x[row * features + c];
            }
            counterLabels[i] = labels[row];
        }
        return new FeedbackRows(originals, masks, counter, counterLabels);
    }

    /** Share of rows ({@code x}: n × features, standardised) whose predicted class is their label. */
    public static double accuracy(BlockModel model, float[] x, int[] labels) {
        int n = labels.length;
        if (n == 0) {
            return Double.NaN;
        }
        int f = model.width();
        int k = model.classes();
        long correct = 0;
        for (int from = 0; from < n; from += 512) {
            int m = Math.min(512, n - from);
            float[] chunk = new float[m * f];
            System.arraycopy(x, from * f, chunk, 0, m * f);
            float[] logits = model.logits(new InputBatch(m, 1, 1, f, chunk));
            for (int i = 0; i < m; i++) {
                int best = 0;
                for (int j = 1; j < k; j++) {
                    if (logits[i * k + j] > logits[i * k + best]) {
                        best = j;
                    }
                }
                if (best == labels[from + i]) {
                    correct++;
                }
            }
        }
        return correct / (double) n;
    }
}
