package org.rationale.model;

import ai.djl.MalformedModelException;
import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** A {@link SmallCnn} trained by the platform, loaded from its saved parameters. */
public final class TrainedCnnModel extends BlockModel {

    private final NDManager manager;
    private final SequentialBlock whole;
    private final SequentialBlock features;
    private final SequentialBlock head;

    private TrainedCnnModel(InputSpec spec, NDManager manager, SequentialBlock features, SequentialBlock head) {
        super(spec);
        this.manager = manager;
        this.features = features;
        this.head = head;
        this.whole = SmallCnn.whole(features, head);
    }

    /** Fresh, randomly initialised network for the spec on the CPU. */
    public static TrainedCnnModel initialised(InputSpec spec) {
        return initialised(spec, Device.cpu());
    }

    /** Fresh, randomly initialised network for the spec on a device. */
    public static TrainedCnnModel initialised(InputSpec spec, Device device) {
        NDManager manager = Engine.getEngine("PyTorch").newBaseManager(device);
        SequentialBlock f = SmallCnn.features();
        SequentialBlock h = SmallCnn.head(spec.classes().size());
        TrainedCnnModel m = new TrainedCnnModel(spec, manager, f, h);
        m.whole.initialize(manager, DataType.FLOAT32, new Shape(1, spec.channels(), spec.height(), spec.width()));
        return m;
    }

    /** Loads saved parameters on the CPU; a 422 when they do not fit the architecture. */
    public static TrainedCnnModel load(InputSpec spec, byte[] parameters) {
        return load(spec, parameters, Device.cpu());
    }

    /** Loads saved parameters on a device; a 422 when they do not fit the architecture. */
    public static TrainedCnnModel load(InputSpec spec, byte[] parameters, Device device) {
        TrainedCnnModel m = initialised(spec, device);
        try {
            m.whole.loadParameters(m.manager, new DataInputStream(new ByteArrayInputStream(parameters)));
            m.whole.freezeParameters(true);
            return m;
        } catch (IOException | MalformedModelException e) {
            m.close();
            throw new ModelException("Stored parameters do not fit " + SmallCnn.ARCHITECTURE + ": " + e.getMessage(), e);
        }
    }

    public byte[] saveParameters() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DataOutputStream d = new DataOutputStream(out)) {
            whole.saveParameters(d);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The whole network, for the trainer. */
    public SequentialBlock network() {
        return whole;
    }

    @Override
    protected Block whole() {
        return whole;
    }

    @Override
    protected Block features() {
        return features;
    }

    @Override
    protected Block head() {
        return head;
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
