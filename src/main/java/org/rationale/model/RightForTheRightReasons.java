package org.rationale.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import org.rationale.explain.InputBatch;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The "right for the right reasons" penalty of Ross et al. (2017), λ·Σ(mask ⊙ ∂Σ_c log p_c/∂x)²,
 * added to the parameters' gradients. It needs a second-order gradient, which DJL's public
 * GradientCollector cannot give: the engine's JNI backward runs with {@code create_graph}.
 *
 * <p>libtorch keeps the graph of a create-graph backward alive through every parameter's
 * {@code .grad}, and DJL cannot reset a {@code .grad}; so the penalty runs on fresh detached copies of
 * the parameters (a {@link ParameterStore} that serves them to the same blocks), whose gradients are
 * added to the real ones and which die with the batch: no graph survives a step. The first
 * backward's own parameter gradients (of Σ log p) are cancelled by subtracting Σ log p from the
 * second backward's target.
 */
public final class RightForTheRightReasons {

    private RightForTheRightReasons() {
    }

    /** Serves detached copies instead of the block's parameters. */
    private static final class CopiedParameters extends ParameterStore {
        private final Map<String, NDArray> copies;

        CopiedParameters(Map<String, NDArray> copies) {
            this.copies = copies;
        }

        @Override
        public NDArray getValue(Parameter parameter, Device device, boolean training) {
            NDArray a = copies.get(parameter.getId());
            if (a == null) {
                throw new IllegalStateException("No copy of parameter " + parameter.getName());
            }
            return a;
        }
    }

    /**
     * Adds the penalty's gradient for these inputs and masks (same shape, 0/1) to the gradients the
     * block's parameters hold; returns the penalty's value.
     */
    public static double addPenaltyGradients(Block block, NDManager manager, InputBatch inputs, float[] masks,
                                             double lambda) {
        return addPenaltyGradients(block, manager, inputs, masks, lambda,
                new Shape(inputs.n(), inputs.channels(), inputs.height(), inputs.width()));
    }

    /**
     * As {@link #addPenaltyGradients(Block, NDManager, InputBatch, float[], double)} for a model of
     * table rows, which takes them as N×F ({@code inputs}: N rows of F values, {@code masks} one 0/1
     * per encoded input).
     */
    public static double addRowPenaltyGradients(Block block, NDManager manager, InputBatch inputs, float[] masks,
                                                double lambda) {
        return addPenaltyGradients(block, manager, inputs, masks, lambda, new Shape(inputs.n(), inputs.sampleSize()));
    }

    private static double addPenaltyGradients(Block block, NDManager manager, InputBatch inputs, float[] masks,
                                              double lambda, Shape shape) {
        if (lambda == 0 || inputs.n() == 0) {
            return 0;
        }
        List<Parameter> params = new ArrayList<>();
        List<NDArray> copies = new ArrayList<>();
        double penalty;
        EngineLock.GRADIENTS.lock();
        try (NDManager m = manager.newSubManager()) {
            Map<String, NDArray> byId = new HashMap<>();
            for (Pair<String, Parameter> p : block.getParameters()) {
                if (!p.getValue().requiresGradient()) {
                    continue;
                }
                NDArray copy = p.getValue().getArray().stopGradient();
                copy.attach(m);
                copy.setRequiresGradient(true);
                byId.put(p.getValue().getId(), copy);
                params.add(p.getValue());
                copies.add(copy);
            }
            NDArray x = m.create(inputs.values(), shape);
            NDArray mask = m.create(masks, shape);
            x.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray logits = block.forward(new CopiedParameters(byId), new NDList(x), true).singletonOrThrow();
                NDArray sumLogP = logits.logSoftmax(1).sum();
                JniUtils.backward((PtNDArray) sumLogP, (PtNDArray) sumLogP.onesLike(), true, true);
                NDArray inputGradient = x.getGradient();
                NDArray pen = inputGradient.mul(mask).square().sum();
                penalty = pen.getFloat();
                NDArray target = pen.mul((float) lambda).sub(sumLogP);
                collector.backward(target);
            }
            for (int i = 0; i < params.size(); i++) {
                try (NDArray real = params.get(i).getArray().getGradient(); NDArray extra = copies.get(i).getGradient()) {
                    real.addi(extra);
                }
            }
        } finally {
            EngineLock.GRADIENTS.unlock();
        }
        return penalty;
    }
}
