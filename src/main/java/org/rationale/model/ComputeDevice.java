package org.rationale.model;

import java.util.Locale;
import ai.djl.Device;
import ai.djl.engine.Engine;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.rationale.config.RationaleConfig;

/**
 * The device this process computes on: with {@code rationale.device=auto} (the default) the first
 * CUDA GPU when DJL's PyTorch engine finds one, else the CPU; {@code cpu} or {@code gpu} force it
 * ({@code gpu} without a GPU refuses to start rather than silently running 50× slower). The first to
 * start the engine in the application: it sizes libtorch's threads first ({@link EngineThreads}).
 */
@Startup
@ApplicationScoped
public class ComputeDevice {

    private static final Logger LOG = Logger.getLogger(ComputeDevice.class);

    private final Device device;

    ComputeDevice(RationaleConfig settings, EngineConfig engine,
                  @ConfigProperty(name = "rationale.worker.threads", defaultValue = "1") int workerThreads) {
        EngineThreads.beforeEngineStarts(EngineThreads.intraOp(engine.intraOpThreads(),
                Runtime.getRuntime().availableProcessors(), EngineThreads.computingThreads(settings.role(), workerThreads)),
                engine.interOpThreads());
        this.device = resolve(settings.device(), Engine.getEngine("PyTorch").getGpuCount());
        EngineThreads.afterEngineStarted();
        LOG.infof("Computing on %s", device);
    }

    /** Chooses the device for a setting and the number of GPUs found. */
    static Device resolve(String setting, int gpus) {
        String s = setting == null ? "auto" : setting.strip().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "cpu" -> Device.cpu();
            case "gpu" -> {
                if (gpus == 0) {
                    throw new IllegalStateException("rationale.device=gpu but the PyTorch engine finds no CUDA device "
                            + "(is a CUDA build of libtorch on PYTORCH_LIBRARY_PATH?)");
                }
                yield Device.gpu(0);
            }
            case "auto" -> gpus > 0 ? Device.gpu(0) : Device.cpu();
            default -> throw new IllegalStateException("rationale.device must be auto, cpu or gpu, not '" + setting + "'");
        };
    }

    public Device device() {
        return device;
    }

    /** {@code gpu} or {@code cpu}, as workers report themselves. */
    public String kind() {
        return device.isGpu() ? "gpu" : "cpu";
    }
}
