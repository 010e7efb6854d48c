package org.rationale.model;

import org.rationale.testing.Host;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.rationale.explain.InputBatch;
import org.rationale.testing.RealModels;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The resident memory a cached model costs, for sizing (docs/capacity.md): a ResNet-18 with its
 * features/classifier parts is loaded four times and held (each run once on a batch of 8 with
 * gradients), the process's VmRSS read after each; then all are closed, and 10 more load/run/close
 * cycles show whether closing gives the memory back.
 * {@code mvn test -Dtest=ModelMemoryBenchmark -DexcludedGroups=none}
 */
@Tag("benchmark")
class ModelMemoryBenchmark {

    private static final int HELD = 4;
    private static final int CYCLES = 10;

    static long rssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS");
    }


    private static TorchScriptModel load(byte[] whole, byte[] features, byte[] classifier, InputSpec spec) {
        TorchScriptModel m = TorchScriptModel.load(spec, whole, features, classifier);
        float[] x = new float[8 * 3 * 224 * 224];
        Random r = new Random(1);
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat();
        }
        m.gradient(new InputBatch(8, 3, 224, 224, x), new int[8]);
        return m;
    }

    @Test
    void residentMemoryPerCachedResNet18() throws IOException {
        byte[] whole = Files.readAllBytes(RealModels.resnet18());
        byte[] features = Files.readAllBytes(RealModels.resnet18Features());
        byte[] classifier = Files.readAllBytes(RealModels.resnet18Classifier());
        InputSpec spec = ModelService.parseSpec(RealModels.resnet18Spec());
        load(whole, features, classifier, spec).close(); // the engine's own start-up memory
        System.gc();
        long base = rssKb();
        List<TorchScriptModel> held = new ArrayList<>();
        List<Long> steps = new ArrayList<>();
        long parameterBytes = 0;
        for (int i = 0; i < HELD; i++) {
            TorchScriptModel m = load(whole, features, classifier, spec);
            parameterBytes = m.parameterBytes();
            held.add(m);
            steps.add(rssKb());
        }
        long perModelKb = (steps.get(HELD - 1) - base) / HELD;
        held.forEach(TorchScriptModel::close);
        System.gc();
        long afterClose = rssKb();
        for (int i = 0; i < CYCLES; i++) {
            load(whole, features, classifier, spec).close();
        }
        System.gc();
        long afterCycles = rssKb();
        Map<String, Object> bench = new LinkedHashMap<>();
        bench.put("name", "model-memory");
        bench.put("machine", Host.machine());
        bench.put("model", "resnet18 with features/classifier parts");
        bench.put("parameterMb", parameterBytes / 1e6);
        bench.put("rssBaseMb", base / 1024);
        bench.put("rssPerHeldModelMb", perModelKb / 1024);
        bench.put("rssPerHeldModelOverParameters", Math.round(perModelKb * 1024.0 / parameterBytes * 100) / 100.0);
        bench.put("rssAfterClosingAllMb", afterClose / 1024);
        bench.put("rssAfter10LoadCloseCyclesMb", afterCycles / 1024);
        bench.put("growthOver10CyclesMb", (afterCycles - afterClose) / 1024);
        StringBuilder json = new StringBuilder("{");
        bench.forEach((k, v) -> json.append(json.length() > 1 ? ", " : "").append('"').append(k).append("\": ")
                .append(v instanceof String ? "\"" + v + "\"" : String.format(Locale.ROOT, "%s", v)));
        json.append('}');
        System.out.printf(Locale.ROOT, "%nMODEL MEMORY  ResNet-18 (+ parts), %.1f MB of parameters: RSS %d MB at start, "
                        + "held models %s MB, %d MB a model; %d MB after closing all, %d MB after %d load/close cycles%n",
                parameterBytes / 1e6, base / 1024, steps.stream().map(s -> Long.toString(s / 1024)).toList(),
                perModelKb / 1024, afterClose / 1024, afterCycles / 1024, CYCLES);
        System.out.println("BENCH " + json);
        assertTrue(perModelKb > 0);
    }
}
