package org.rationale.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;

/**
 * The packaged jar ({@code rationale.app.jar}, set by failsafe) run as a real process, for tests of
 * what only a real process shows: faults, shutdown, commands.
 */
public final class AppProcess {

    private AppProcess() {
    }

    /** Starts {@code java -jar quarkus-run.jar args…} with extra environment, its output in {@code log}. */
    public static Process start(Map<String, String> env, Path log, String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Dai.djl.offline=true", "-jar",
                System.getProperty("rationale.app.jar")));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        // a datasource only when the test gives one (else the embedded default, whatever this JVM was started with)
        pb.environment().remove("QUARKUS_DATASOURCE_JDBC_URL");
        pb.environment().putAll(env);
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        return pb.start();
    }

    /** Runs a command of the jar to its end; returns its exit code (its output is in {@code log}). */
    public static int run(Map<String, String> env, Path log, String... args) throws IOException, InterruptedException {
        Process p = start(env, log, args);
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("command " + List.of(args) + " did not end:\n" + Files.readString(log));
        }
        return p.exitValue();
    }

    /**
     * Waits until the app on {@code port} answers its readiness check (up to 5 minutes: a start takes
     * 30 s on an idle 2-core host, over 2 minutes when other builds share it); fails with its log if it dies.
     */
    public static void awaitReady(int port, Process p, Path log) throws IOException {
        long deadline = System.currentTimeMillis() + 300_000;
        while (System.currentTimeMillis() < deadline) {
            if (!p.isAlive()) {
                throw new AssertionError("process on port " + port + " died:\n" + Files.readString(log));
            }
            try {
                if (given().port(port).get("/q/health/ready").statusCode() == 200) {
                    return;
                }
            } catch (Exception notYet) {
                // not listening yet
            }
            pause(250);
        }
        throw new AssertionError("process on port " + port + " never got ready:\n" + Files.readString(log));
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    public static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
