package org.rationale.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import org.rationale.explain.TabularInput;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.function.Supplier;

/** A {@link TabularMlp} trained by the platform, loaded from its saved parameters: a model of table rows (N×F). */
public final class TrainedMlpModel extends BlockModel {

    private final NDManager manager;
    private final SequentialBlock network;

    private TrainedMlpModel(InputSpec spec, NDManager manager, SequentialBlock network, Supplier<TabularInput> table) {
        super(spec, table);
        this.manager = manager;
        this.network = network;
    }

    /**
     * Loads saved parameters on a device for rows of the spec's width; {@code table} answers
     * {@link #tabular()}. A 422 when they do not fit the architecture.
     */
    public static TrainedMlpModel load(InputSpec spec, byte[] parameters, Device device, Supplier<TabularInput> table) {
        NDManager manager = Engine.getEngine("PyTorch").newBaseManager(device);
        SequentialBlock network = TabularMlp.network(spec.classes().size());
        TrainedMlpModel m = new TrainedMlpModel(spec, manager, network, table);
        try {
            network.initialize(manager, DataType.FLOAT32, new Shape(1, spec.width()));
            network.loadParameters(manager, new DataInputStream(new ByteArrayInputStream(parameters)));
            network.freezeParameters(true);
            return m;
        } catch (IOException | MalformedModelException | IllegalArgumentException e) {
            m.close();
            throw new ModelException("Stored parameters do not fit " + TabularMlp.ARCHITECTURE + ": " + e.getMessage(), e);
        }
    }

    @Override
    protected Block whole() {
        return network;
    }

    @Override
    protected Block features() {
        return null;
    }

    @Override
    protected Block head() {
        return null;
    }

    @Override
    protected NDManager manager() {
        return manager;
    }

    @Override
    protected boolean trainingMode() {
        return false;
    }

    /** Frees the model's native memory and gives it back to the system ({@link NativeMemory}). */
    @Override
    public void close() {
        manager.close();
        NativeMemory.trim();
    }
}
