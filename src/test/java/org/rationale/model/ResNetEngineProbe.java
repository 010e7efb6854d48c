package org.rationale.model;

import ai.djl.pytorch.jni.JniUtils;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.rationale.explain.InputBatch;
import org.rationale.testing.Host;
import org.rationale.testing.RealModels;

import java.nio.file.Files;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Where a single ResNet-18 gradient's time goes in the engine, without the server: milliseconds per
 * input gradient (prediction and map from one pass) at batch 1 and at the job's chunk, called on one
 * thread, and called each time from another thread as request threads do, with libtorch's TorchScript
 * graph optimiser on and off. Not part of the default run:
 * <pre>mvn -B -o test -Dtest=ResNetEngineProbe -DexcludedGroups=none</pre>
 */
@Tag("benchmark")
class ResNetEngineProbe {

    private static final int CALLS = Integer.getInteger("probe.calls", 8);

    @Test
    void printsMillisecondsPerGradient() throws Exception {
        InputSpec spec = ModelService.parseSpec(RealModels.resnet18Spec());
        try (TorchScriptModel m = TorchScriptModel.load(spec, Files.readAllBytes(RealModels.resnet18()), null, null)) {
            InputBatch one = inputs(1);
            InputBatch chunk = inputs(m.maxBatch());
            ExecutorService pool = Executors.newFixedThreadPool(4);
            StringBuilder out = new StringBuilder();
            for (int round = 0; round < 2; round++) {
                for (boolean optimise : new boolean[] {true, false}) {
                    JniUtils.setGraphExecutorOptimize(optimise);
                    out.append(line("batch 1, same thread, optimiser " + optimise, ms(() -> grad(m, one)), 1));
                    out.append(line("batch 1, other threads, optimiser " + optimise, ms(() -> pool.submit(() -> {
                        JniUtils.setGraphExecutorOptimize(optimise);
                        grad(m, one);
                        return null;
                    }).get()), 1));
                    out.append(line("batch " + chunk.n() + ", same thread, optimiser " + optimise, ms(() -> grad(m, chunk)),
                            chunk.n()));
                }
            }
            pool.shutdown();
            System.out.println("\nRESNET-18 ENGINE PROBE  " + Host.machine() + ", libtorch threads "
                    + JniUtils.getNumThreads() + "\n" + out);
        }
    }

    private interface Call {
        void run() throws Exception;
    }

    private static void grad(TorchScriptModel m, InputBatch x) {
        m.gradientChoosingTargets(x, logits -> new int[x.n()]);
    }

    private static double ms(Call c) throws Exception {
        c.run();
        c.run();
        long t0 = System.nanoTime();
        for (int i = 0; i < CALLS; i++) {
            c.run();
        }
        return (System.nanoTime() - t0) / 1e6 / CALLS;
    }

    private static String line(String what, double ms, int n) {
        return String.format(Locale.ROOT, "  %-44s %8.1f ms a call, %6.1f ms a map%n", what, ms, ms / n);
    }

    private static InputBatch inputs(int n) {
        Random r = new Random(n);
        float[] v = new float[n * 3 * 224 * 224];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return new InputBatch(n, 3, 224, 224, v);
    }
}
