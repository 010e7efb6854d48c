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
                        float[] bx = new float[m * features];
                        float[] by = new float[m];
                        for (int k = 0; k < m; k++) {
                            int row = order[from + k];
                            System.arraycopy(x, row * features, bx, k * features, features);
                            by[k] = labels[row];
                        }
                        try (NDManager mgr = trainer.getManager().newSubManager()) {
                            NDArray inputs = mgr.create(bx, new Shape(m, features));
                            NDArray truth = mgr.create(by, new Shape(m));
                            EngineLock.GRADIENTS.lock();
                            try (GradientCollector collector = trainer.newGradientCollector()) {
                                NDArray pred = trainer.forward(new NDList(inputs)).singletonOrThrow();
                                NDArray loss = trainer.getLoss().evaluate(new NDList(truth), new NDList(pred));
                                collector.backward(loss);
                                lossSum += loss.getFloat() * m;
                                correct += pred.argMax(1).toType(DataType.FLOAT32, false).eq(truth).sum().getLong();
                            } finally {
                                EngineLock.GRADIENTS.unlock();
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
