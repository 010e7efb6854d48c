package org.rationale.model;

import java.util.Arrays;
import java.util.Collections;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.rationale.explain.ExplainableModel;
import org.rationale.explain.InputBatch;
import org.rationale.explain.RandomizableModel;
import org.rationale.explain.TabularInput;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.Random;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An {@link ExplainableModel} over DJL blocks: the whole network and, for CAM methods, the same
 * network as features and head. Every call runs in its own NDManager, closed before it returns;
 * engine failures become {@link ModelException}s here, at the boundary.
 */
public abstract class BlockModel implements RandomizableModel, AutoCloseable {

    private final InputSpec spec;
    private final int classes;
    private final float[] black;
    private final float[] white;
    /** For a tabular model, what {@link #tabular()} answers, made when first asked; null for an image model. */
    private final Supplier<TabularInput> table;
    private TabularInput tableMade;

    protected BlockModel(InputSpec spec) {
        this(spec, null);
    }

    /**
     * A model of images ({@code table} null) or of table rows: then the network takes N×F (F: the
     * spec's width), already standardised, so {@link #black()} is 0 (the spec's mean of every
     * column; the table baselines of the methods come from {@link #tabular()} instead) and
     * {@link #white()} 1 (one standard deviation above: SmoothGrad's noise is a share of it);
     * {@code table} answers {@link #tabular()}, made when first asked (it reads the project's rows).
     */
    protected BlockModel(InputSpec spec, Supplier<TabularInput> table) {
        this.spec = spec;
        this.table = table;
        this.classes = spec.classes().size();
        this.black = new float[spec.channels()];
        this.white = new float[spec.channels()];
        for (int c = 0; c < spec.channels(); c++) {
            black[c] = table == null ? spec.normalise(c, 0) : 0f;
            white[c] = table == null ? spec.normalise(c, 255) : 1f;
        }
    }

    /** The feature groups and reference rows of a tabular model; empty for an image model. */
    @Override
    public synchronized Optional<TabularInput> tabular() {
        if (table == null) {
            return Optional.empty();
        }
        if (tableMade == null) {
            tableMade = table.get();
        }
        return Optional.of(tableMade);
    }

    /** The whole network. */
    protected abstract Block whole();

    /** Feature extractor and head, or null when the model has no split. */
    protected abstract Block features();

    protected abstract Block head();

    /** The manager the per-call managers hang from. */
    protected abstract NDManager manager();

    /** Chunks stay near 16 MB of input: 256 rows of 28×28, 27 rows of 3×224×224. */
    @Override
    public int maxBatch() {
        int size = spec.channels() * spec.height() * spec.width();
        return Math.max(1, Math.min(256, (1 << 22) / size));
    }

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

    /**
     * Raw output of the whole model and its shape (ending with -1 when shorter than shapeOut); for upload
     * checks, which refuse a model answering more than one tensor (only the first would ever be read).
     */
    public float[] rawOutput(InputBatch x, long[] shapeOut) {
        try (NDManager m = manager().newSubManager()) {
            NDList outputs = whole().forward(new ParameterStore(m, false), new NDList(input(m, x)), trainingMode());
            if (outputs.size() != 1) {
                throw new ModelException("The model returns " + outputs.size() + " outputs (a tuple or list); it must "
                        + "return one tensor of class scores: trace a wrapper whose forward returns the logits alone");
            }
            NDArray out = outputs.get(0);
            long[] s = out.getShape().getShape();
            System.arraycopy(s, 0, shapeOut, 0, Math.min(s.length, shapeOut.length));
            if (s.length < shapeOut.length) {
                shapeOut[s.length] = -1;
            }
            return out.toFloatArray();
        } catch (EngineException | IllegalStateException | IllegalArgumentException e) {
            throw new ModelException("The model failed on a " + describe(x) + " input: " + engineReason(e.getMessage()), e);
        }
    }

    @Override
    public float[] logits(InputBatch x) {
        try (NDManager m = manager().newSubManager()) {
            return checked(forward(whole(), m, input(m, x)), x.n()).toFloatArray();
        } catch (EngineException e) {
            throw new ModelException("Forward pass failed: " + engineReason(e.getMessage()), e);
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
            throw new ModelException("Backward pass failed: " + engineReason(e.getMessage()), e);
        } finally {
            EngineLock.GRADIENTS.unlock();
        }
    }

    /** One forward pass under the gradient collector: its logits choose the targets of the backward pass. */
    @Override
    public GradientResult gradientChoosingTargets(InputBatch x, Function<float[], int[]> targetsOf) {
        EngineLock.GRADIENTS.lock();
        try (NDManager m = manager().newSubManager()) {
            NDArray in = input(m, x);
            in.setRequiresGradient(true);
            float[] logits;
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray out = checked(forward(whole(), m, in), x.n());
                logits = out.toFloatArray();
                collector.backward(out.mul(oneHot(m, targetsOf.apply(logits))).sum());
            }
            return new GradientResult(logits, in.getGradient().toFloatArray());
        } catch (EngineException e) {
            throw new ModelException("Backward pass failed: " + engineReason(e.getMessage()), e);
        } finally {
            EngineLock.GRADIENTS.unlock();
        }
    }

    @Override
    public CamResult camGradient(InputBatch x, int[] targets) {
        if (features() == null) {
            return RandomizableModel.super.camGradient(x, targets);
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
            throw new ModelException("Grad-CAM pass failed: " + engineReason(e.getMessage()), e);
        } finally {
            EngineLock.GRADIENTS.unlock();
        }
    }

    /**
     * The bytes of the model's parameter arrays (elements times element size), each array counted
     * once: the separate copies in TorchScript features/classifier parts count, arrays the parts
     * share with the whole network do not. The engine's own overhead per loaded model (TorchScript
     * code and graphs) is not counted.
     */
    public long parameterBytes() {
        Set<NDArray> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        long total = 0;
        for (Block b : new Block[] {whole(), features(), head()}) {
            if (b == null) {
                continue;
            }
            for (var p : b.getParameters()) {
                NDArray a = p.getValue().getArray();
                if (seen.add(a)) {
                    total += a.size() * a.getDataType().getNumOfBytes();
                }
            }
        }
        return total;
    }

    /** Layer name of a parameter: its name without the trailing weight/bias part. */
    static String layerOf(String parameter) {
        return parameter.replaceFirst("[._](weight|bias|gamma|beta|running_mean|running_var)$", "");
    }

    @Override
    public List<String> layersFromTop() {
        List<String> layers = new ArrayList<>();
        for (var p : whole().getParameters()) {
            String layer = layerOf(p.getKey());
            if (!layers.contains(layer)) {
                layers.add(layer);
            }
        }
        Collections.reverse(layers);
        return layers;
    }

    /**
     * Parameter arrays of the features/head blocks that hold the same values as a parameter of the
     * whole network (TorchScript parts are separate copies); empty when they share arrays.
     */
    private Map<String, List<NDArray>> twins;

    private Map<String, List<NDArray>> twins() {
        if (twins != null) {
            return twins;
        }
        twins = new LinkedHashMap<>();
        if (features() == null || features().getParameters().get(0).getValue().getArray()
                == whole().getParameters().get(0).getValue().getArray()) {
            return twins;
        }
        List<NDArray> parts = new ArrayList<>();
        features().getParameters().forEach(p -> parts.add(p.getValue().getArray()));
        head().getParameters().forEach(p -> parts.add(p.getValue().getArray()));
        var all = whole().getParameters();
        // parts traced from the same network list their parameters in the whole network's order
        boolean positional = parts.size() == all.size();
        for (int i = 0; positional && i < parts.size(); i++) {
            positional = parts.get(i).getShape().equals(all.get(i).getValue().getArray().getShape())
                    && Arrays.equals(parts.get(i).toFloatArray(), all.get(i).getValue().getArray().toFloatArray());
        }
        if (positional) {
            for (int i = 0; i < parts.size(); i++) {
                twins.computeIfAbsent(all.get(i).getKey(), k -> new ArrayList<>()).add(parts.get(i));
            }
            return twins;
        }
        for (var p : whole().getParameters()) {
            float[] v = p.getValue().getArray().toFloatArray();
            for (NDArray candidate : parts) {
                if (candidate.getShape().equals(p.getValue().getArray().getShape())
                        && Arrays.equals(candidate.toFloatArray(), v)) {
                    twins.computeIfAbsent(p.getKey(), k -> new ArrayList<>()).add(candidate);
                }
            }
        }
        return twins;
    }

    @Override
    public void randomize(String layer, long seed) {
        Map<String, List<NDArray>> copies = twins();
        Random random = new Random(seed);
        boolean found = false;
        for (var p : whole().getParameters()) {
            if (!layerOf(p.getKey()).equals(layer)) {
                continue;
            }
            found = true;
            NDArray array = p.getValue().getArray();
            float[] old = array.toFloatArray();
            double mean = 0;
            for (float f : old) {
                mean += f;
            }
            mean /= old.length;
            double var = 0;
            for (float f : old) {
                var += (f - mean) * (f - mean);
            }
            double std = Math.sqrt(var / old.length);
            float[] fresh = new float[old.length];
            for (int i = 0; i < fresh.length; i++) {
                fresh[i] = (float) (random.nextGaussian() * (std > 0 ? std : 0.01));
            }
            List<NDArray> targets = new ArrayList<>(copies.getOrDefault(p.getKey(), List.of()));
            targets.add(array);
            for (NDArray t : targets) {
                try (NDManager m = manager().newSubManager()) {
                    t.muli(0).addi(m.create(fresh, t.getShape()));
                }
            }
        }
        if (!found) {
            throw new IllegalArgumentException("no layer " + layer);
        }
    }

    private NDArray input(NDManager m, InputBatch x) {
        return m.create(x.values(), inputShape(x));
    }

    /** The shape the network takes a batch in: N×C×H×W; a tabular model takes N×F. */
    private Shape inputShape(InputBatch x) {
        return table == null ? new Shape(x.n(), x.channels(), x.height(), x.width()) : new Shape(x.n(), x.width());
    }

    /** A batch as the refusals of a failed call describe it: {@code 2x1x28x28}, or {@code 3x5 (3 rows of 5 features)}. */
    private String describe(InputBatch x) {
        return table == null ? x.n() + "x" + x.channels() + "x" + x.height() + "x" + x.width()
                : x.n() + "x" + x.width() + " (" + x.n() + " rows of " + x.width() + " features)";
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

    /** The line of an engine's error that says what went wrong, without the stack or class names. */
    private static final Pattern REASON = Pattern.compile("^\\s*(?:[A-Za-z_][\\w.]*(?:Error|Exception)): (.+)$");

    /**
     * What the engine says went wrong, in one line: a TorchScript failure opens with "The following
     * operation failed in the TorchScript interpreter" and a traceback, and ends with the line that
     * matters ("RuntimeError: ... expected input[1, 1, 224, 224] to have 3 channels, but got 1
     * channels instead"); that line's text is taken, without the error's type. Otherwise the first line.
     */
    static String engineReason(String s) {
        if (s == null || s.isBlank()) {
            return "no reason given";
        }
        String reason = null;
        for (String line : s.split("\n")) {
            Matcher m = REASON.matcher(line);
            if (m.matches()) {
                reason = m.group(1).strip();
            }
        }
        if (reason == null) {
            int nl = s.indexOf('\n');
            reason = (nl < 0 ? s : s.substring(0, nl)).strip();
        }
        return reason.length() > 500 ? reason.substring(0, 500) + "…" : reason;
    }
}
