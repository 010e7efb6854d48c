package org.rationale.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine a benchmark ran on, for its report and its {@code BENCH} line: hosts differ in CPU family and figures. */
public final class Host {

    private Host() {
    }

    /** CPU model and family from /proc/cpuinfo and the cores this JVM sees, without double quotes (safe in JSON). */
    public static String machine() {
        String model = "unknown CPU";
        String family = "?";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name") && model.equals("unknown CPU")) {
                    model = line.substring(line.indexOf(':') + 1).strip();
                } else if (line.startsWith("cpu family") && family.equals("?")) {
                    family = line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException e) {
            model = System.getProperty("os.arch");
        }
        return (model + ", family " + family + ", " + Runtime.getRuntime().availableProcessors() + " cores")
                .replace("\"", "'");
    }
}
