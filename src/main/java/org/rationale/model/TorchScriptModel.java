package org.rationale.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.rationale.saliency.ExplainableModel;
import org.rationale.saliency.InputBatch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A TorchScript model on DJL's PyTorch engine, optionally with the same network traced as two parts
 * (features, classifier) for CAM methods. Parameters are frozen: saliency needs input gradients
 * only. Every call runs in its own NDManager, closed before it returns; DJL's checked and engine
 * exceptions become {@link ModelException}s here, at the boundary.
 */
public final class TorchScriptModel implements ExplainableModel, AutoCloseable {

    /** DJL allows one open GradientCollector per JVM. */
    private static final ReentrantLock GRADIENTS = new ReentrantLock();

    private final InputSpec spec;
    private final Model whole;
    private final Model features;
    private final Model classifier;
    private final int classes;
    private final float[] black;
    private final float[] white;

    private TorchScriptModel(InputSpec spec, Model whole, Model features, Model classifier) {
        this.spec = spec;
        this.whole = whole;
        this.features = features;
        this.classifier = classifier;
        this.classes = spec.classes().size();
        this.black = new float[spec.channels()];
        this.white = new float[spec.channels()];
        for (int c = 0; c < spec.channels(); c++) {
            black[c] = spec.normalise(c, 0);
            white[c] = spec.normalise(c, 255);
        }
    }

    /**
     * Loads TorchScript bytes. {@code featuresBytes} and {@code classifierBytes} are both given or both null.
     *
     * @throws ModelException when a file is not TorchScript or the engine refuses it
     */
    public static TorchScriptModel load(InputSpec spec, byte[] modelBytes, byte[] featuresBytes, byte[] classifierBytes) {
        Model whole = null;
        Model f = null;
        Model c = null;
        try {
            whole = loadOne("model", modelBytes);
            if (featuresBytes != null && classifierBytes != null) {
                f = loadOne("features", featuresBytes);
                c = loadOne("classifier", classifierBytes);
            }
            return new TorchScriptModel(spec, whole, f, c);
        } catch (RuntimeException e) {
            closeAll(whole, f, c);
            throw e;
        }
    }

    private static Model loadOne(String part, byte[] bytes) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("rationale-model");
            Files.write(dir.resolve(part + ".pt"), bytes);
            Model m = Model.newInstance(part, Device.cpu(), "PyTorch");
            try {
                m.load(dir, part, Map.of("trainParam", "true"));
                m.getBlock().freezeParameters(true);
                return m;
            } catch (MalformedModelException | IOException | EngineException | IllegalArgumentException e) {
                m.close();
                throw new ModelException("The " + part + " file is not a TorchScript model DJL can load: "
                        + firstLine(e.getMessage()), e);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (dir != null) {
                try (var files = Files.walk(dir)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                } catch (IOException ignored) {
                    // a temp folder left behind is harmless
                }
            }
        }
    }

    public InputSpec spec() {
        return spec;
    }

    @Override
    public int channels() {
        return spec.channels();
    }

    @Override
    public int height() {
        return spec.height();
    }

    @Override
    public int width() {
        return spec.width();
    }

    @Override
    public int classes() {
        return classes;
    }

    @Override
    public float[] black() {
        return black.clone();
    }

    @Override
    public float[] white() {
        return white.clone();
    }

    @Override
    public boolean supportsCam() {
        return features != null;
    }

    /** Raw output of the whole model, N×(whatever it returns), with its shape; for upload checks. */
    public float[] rawOutput(InputBatch x, long[] shapeOut) {
        try (NDManager manager = whole.getNDManager().newSubManager()) {
            NDArray out = forward(whole, manager, input(manager, x));
            long[] s = out.getShape().getShape();
            System.arraycopy(s, 0, shapeOut, 0, Math.min(s.length, shapeOut.length));
            if (s.length < shapeOut.length) {
                shapeOut[s.length] = -1;
            }
            return out.toFloatArray();
        } catch (EngineException | IllegalStateException | IllegalArgumentException e) {
            throw new ModelException("The model failed on a " + x.n() + "x" + x.channels() + "x" + x.height() + "x"
                    + x.width() + " input: " + firstLine(e.getMessage()), e);
        }
    }

    @Override
    public float[] logits(InputBatch x) {
        try (NDManager manager = whole.getNDManager().newSubManager()) {
            return checked(forward(whole, manager, input(manager, x)), x.n()).toFloatArray();
        } catch (EngineException e) {
            throw new ModelException("Forward pass failed: " + firstLine(e.getMessage()), e);
        }
    }

    @Override
    public GradientResult gradient(InputBatch x, int[] targets) {
        GRADIENTS.lock();
        try (NDManager manager = whole.getNDManager().newSubManager()) {
            NDArray in = input(manager, x);
            in.setRequiresGradient(true);
            NDArray out;
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                out = checked(forward(whole, manager, in), x.n());
                collector.backward(out.mul(oneHot(manager, targets)).sum());
            }
            return new GradientResult(out.toFloatArray(), in.getGradient().toFloatArray());
        } catch (EngineException e) {
            throw new ModelException("Backward pass failed: " + firstLine(e.getMessage()), e);
        } finally {
            GRADIENTS.unlock();
        }
    }

    @Override
    public CamResult camGradient(InputBatch x, int[] targets) {
        if (features == null) {
            return ExplainableModel.super.camGradient(x, targets);
        }
        GRADIENTS.lock();
        try (NDManager manager = whole.getNDManager().newSubManager()) {
            NDArray a = forward(features, manager, input(manager, x)).duplicate();
            long[] s = a.getShape().getShape();
            if (s.length != 4) {
                throw new ModelException("The features part must return N×K×h×w, it returned " + a.getShape());
            }
            a.setRequiresGradient(true);
            NDArray out;
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                out = checked(forward(classifier, manager, a), x.n());
                collector.backward(out.mul(oneHot(manager, targets)).sum());
            }
            return new CamResult((int) s[1], (int) s[2], (int) s[3], a.toFloatArray(), a.getGradient().toFloatArray(),
                    out.toFloatArray());
        } catch (EngineException e) {
            throw new ModelException("Grad-CAM pass failed: " + firstLine(e.getMessage()), e);
        } finally {
            GRADIENTS.unlock();
        }
    }

    private NDArray input(NDManager manager, InputBatch x) {
        return manager.create(x.values(), new Shape(x.n(), x.channels(), x.height(), x.width()));
    }

    private NDArray oneHot(NDManager manager, int[] targets) {
        float[] hot = new float[targets.length * classes];
        for (int i = 0; i < targets.length; i++) {
            hot[i * classes + targets[i]] = 1f;
        }
        return manager.create(hot, new Shape(targets.length, classes));
    }

    /** Always training = true: a TorchScript block must not mix modes (traced in eval mode, see STACK.md). */
    private static NDArray forward(Model model, NDManager manager, NDArray in) {
        Block block = model.getBlock();
        NDList out = block.forward(new ParameterStore(manager, false), new NDList(in), true);
        return out.get(0);
    }

    private NDArray checked(NDArray out, int n) {
        long[] s = out.getShape().getShape();
        if (s.length != 2 || s[0] != n || s[1] != classes) {
            throw new ModelException("The model returned " + out.getShape() + "; expected (" + n + ", " + classes + ")");
        }
        return out;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "no message";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    @Override
    public void close() {
        closeAll(whole, features, classifier);
    }

    private static void closeAll(Model... models) {
        for (Model m : models) {
            if (m != null) {
                m.close();
            }
        }
    }
}
