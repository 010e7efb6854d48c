package org.rationale.model;

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

/**
 * An {@link ExplainableModel} over DJL blocks: the whole network and, for CAM methods, the same
 * network as features and head. Every call runs in its own NDManager, closed before it returns;
 * engine failures become {@link ModelException}s here, at the boundary.
 */
public abstract class BlockModel implements ExplainableModel, AutoCloseable {

    private final InputSpec spec;
    private final int classes;
    private final float[] black;
    private final float[] white;

    protected BlockModel(InputSpec spec) {
        this.spec = spec;
        this.classes = spec.classes().size();
        this.black = new float[spec.channels()];
        this.white = new float[spec.channels()];
        for (int c = 0; c < spec.channels(); c++) {
            black[c] = spec.normalise(c, 0);
            white[c] = spec.normalise(c, 255);
        }
    }

    /** The whole network. */
    protected abstract Block whole();

    /** Feature extractor and head, or null when the model has no split. */
    protected abstract Block features();

    protected abstract Block head();

    /** The manager the per-call managers hang from. */
    protected abstract NDManager manager();

    /** Frees the native memory of the model. */
    @Override
    public abstract void close();

    /** The training flag every forward call uses (one mode per block). */
    protected abstract boolean trainingMode();

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
        return features() != null;
    }

    /** Raw output of the whole model and its shape (ending with -1 when shorter than shapeOut); for upload checks. */
    public float[] rawOutput(InputBatch x, long[] shapeOut) {
        try (NDManager m = manager().newSubManager()) {
            NDArray out = forward(whole(), m, input(m, x));
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
        try (NDManager m = manager().newSubManager()) {
            return checked(forward(whole(), m, input(m, x)), x.n()).toFloatArray();
        } catch (EngineException e) {
            throw new ModelException("Forward pass failed: " + firstLine(e.getMessage()), e);
        }
    }

    @Override
    public GradientResult gradient(InputBatch x, int[] targets) {
        EngineLock.GRADIENTS.lock();
        try (NDManager m = manager().newSubManager()) {
            NDArray in = input(m, x);
            in.setRequiresGradient(true);
            NDArray out;
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                out = checked(forward(whole(), m, in), x.n());
                collector.backward(out.mul(oneHot(m, targets)).sum());
            }
            return new GradientResult(out.toFloatArray(), in.getGradient().toFloatArray());
        } catch (EngineException e) {
            throw new ModelException("Backward pass failed: " + firstLine(e.getMessage()), e);
        } finally {
            EngineLock.GRADIENTS.unlock();
        }
    }

    @Override
    public CamResult camGradient(InputBatch x, int[] targets) {
        if (features() == null) {
            return ExplainableModel.super.camGradient(x, targets);
        }
        EngineLock.GRADIENTS.lock();
        try (NDManager m = manager().newSubManager()) {
            NDArray a = forward(features(), m, input(m, x)).duplicate();
            long[] s = a.getShape().getShape();
            if (s.length != 4) {
                throw new ModelException("The features part must return N×K×h×w, it returned " + a.getShape());
            }
            a.setRequiresGradient(true);
            NDArray out;
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                out = checked(forward(head(), m, a), x.n());
                collector.backward(out.mul(oneHot(m, targets)).sum());
            }
            return new CamResult((int) s[1], (int) s[2], (int) s[3], a.toFloatArray(), a.getGradient().toFloatArray(),
                    out.toFloatArray());
        } catch (EngineException e) {
            throw new ModelException("Grad-CAM pass failed: " + firstLine(e.getMessage()), e);
        } finally {
            EngineLock.GRADIENTS.unlock();
        }
    }

    private NDArray input(NDManager m, InputBatch x) {
        return m.create(x.values(), new Shape(x.n(), x.channels(), x.height(), x.width()));
    }

    private NDArray oneHot(NDManager m, int[] targets) {
        float[] hot = new float[targets.length * classes];
        for (int i = 0; i < targets.length; i++) {
            hot[i * classes + targets[i]] = 1f;
        }
        return m.create(hot, new Shape(targets.length, classes));
    }

    private NDArray forward(Block block, NDManager m, NDArray in) {
        return block.forward(new ParameterStore(m, false), new NDList(in), trainingMode()).get(0);
    }

    private NDArray checked(NDArray out, int n) {
        long[] s = out.getShape().getShape();
        if (s.length != 2 || s[0] != n || s[1] != classes) {
            throw new ModelException("The model returned " + out.getShape() + "; expected (" + n + ", " + classes + ")");
        }
        return out;
    }

    static String firstLine(String s) {
        if (s == null) {
            return "no message";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
