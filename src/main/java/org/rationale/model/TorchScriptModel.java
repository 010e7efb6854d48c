package org.rationale.model;

import java.util.Comparator;
import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import org.rationale.explain.TabularInput;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A TorchScript model on DJL's PyTorch engine, optionally with the same network traced as two parts
 * (features, classifier) for CAM methods. Loaded with {@code trainParam=true} and always called
 * with training = true (gradients need it, and a TorchScript block must not mix modes: trace in eval
 * mode); parameters are frozen, saliency needs input gradients only.
 */
public final class TorchScriptModel extends BlockModel {

    private final Model whole;
    private final Model features;
    private final Model classifier;

    private TorchScriptModel(InputSpec spec, Model whole, Model features, Model classifier, Supplier<TabularInput> table) {
        super(spec, table);
        this.whole = whole;
        this.features = features;
        this.classifier = classifier;
    }

    /**
     * Loads TorchScript bytes. {@code featuresBytes} and {@code classifierBytes} are both given or both null.
     *
     * @throws ModelException when a file is not TorchScript or the engine refuses it
     */
    public static TorchScriptModel load(InputSpec spec, byte[] modelBytes, byte[] featuresBytes, byte[] classifierBytes) {
        return load(spec, modelBytes, featuresBytes, classifierBytes, Device.cpu());
    }

    /** Loads the files onto a device (see {@link ComputeDevice}). */
    public static TorchScriptModel load(InputSpec spec, byte[] modelBytes, byte[] featuresBytes, byte[] classifierBytes,
                                        Device device) {
        Model w = null;
        Model f = null;
        Model c = null;
        try {
            w = loadOne("model", modelBytes, device);
            if (featuresBytes != null && classifierBytes != null) {
                f = loadOne("features", featuresBytes, device);
                c = loadOne("classifier", classifierBytes, device);
            }
            return new TorchScriptModel(spec, w, f, c, null);
        } catch (RuntimeException e) {
            closeAll(w, f, c);
            throw e;
        }
    }

    private static Model loadOne(String part, byte[] bytes, Device device) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("rationale-model");
            Files.write(dir.resolve(part + ".pt"), bytes);
            Model m = Model.newInstance(part, device, "PyTorch");
            try {
                m.load(dir, part, Map.of("trainParam", "true"));
                m.getBlock().freezeParameters(true);
                return m;
            } catch (MalformedModelException | IOException | EngineException | IllegalArgumentException e) {
                m.close();
                throw new ModelException(notLoadable(part, e.getMessage()), e);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (dir != null) {
                try (var files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                } catch (IOException ignored) {
                    // a temp folder left behind is harmless
                }
            }
        }
    }

    /**
     * Loads a tabular model: TorchScript that takes N×F float32 (F: the width of {@code spec}, one
     * standardised row of encoded columns each) and answers N×classes; {@code table} answers
     * {@link #tabular()} (see {@link BlockModel#BlockModel(InputSpec, Supplier)}).
     */
    public static TorchScriptModel loadTabular(InputSpec spec, byte[] modelBytes, Device device,
                                               Supplier<TabularInput> table) {
        return new TorchScriptModel(spec, loadOne("model", modelBytes, device), null, null, table);
    }

    /** How to export TorchScript, for the refusals of files that are not. */
    static final String EXPORT_EXAMPLE = "export it with torch.jit.trace or torch.jit.script, e.g.\n"
            + "    traced = torch.jit.trace(model.eval(), torch.rand(1, 3, 224, 224))"
            + "  # a table model: torch.rand(1, F), F its input columns\n"
            + "    traced.save(\"model.pt\")";

    /**
     * Why a file did not load, in words: a PyTorch zip without TorchScript code (a state dict or a
     * pickled module saved with torch.save) is named as such, with how to export TorchScript.
     */
    static String notLoadable(String part, String engineMessage) {
        String m = engineMessage == null ? "" : engineMessage;
        if (m.contains("constants.pkl") || m.contains("PytorchStreamReader failed locating file")) {
            return "The " + part + " file is a PyTorch file but not TorchScript (a state dict or a model saved "
                    + "with torch.save, such as a .pth file): " + EXPORT_EXAMPLE;
        }
        return "The " + part + " file is not a TorchScript model (" + engineReason(m) + "): " + EXPORT_EXAMPLE;
    }

    @Override
    protected Block whole() {
        return whole.getBlock();
    }

    @Override
    protected Block features() {
        return features == null ? null : features.getBlock();
    }

    @Override
    protected Block head() {
        return classifier == null ? null : classifier.getBlock();
    }

    @Override
    protected NDManager manager() {
        return whole.getNDManager();
    }

    @Override
    protected boolean trainingMode() {
        return true;
    }

    /** Frees the model's native memory and gives it back to the system ({@link NativeMemory}). */
    @Override
    public void close() {
        closeAll(whole, features, classifier);
        NativeMemory.trim();
    }

    private static void closeAll(Model... models) {
        for (Model m : models) {
            if (m != null) {
                m.close();
            }
        }
    }
}
