package org.rationale.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Runs Node.js (the frontend's modules and their tests) from JUnit, in the project's directory. */
public final class NodeJs {

    /** What a run printed and how it ended. */
    public record Result(int exitCode, String stdout, String stderr) {
    }

    private NodeJs() {
    }

    /** The {@code node} executable on PATH, if any. */
    public static Optional<Path> executable() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path node = Path.of(dir.isEmpty() ? "." : dir, "node");
            if (Files.isExecutable(node)) {
                return Optional.of(node);
            }
        }
        return Optional.empty();
    }

    /** Skips the calling test, saying why, when there is no {@code node} on PATH. */
    public static Path require() {
        Optional<Path> node = executable();
        assumeTrue(node.isPresent(), "node is not on PATH: the review canvas's JS modules are tested with Node.js 20 "
                + "or later (.ci/run installs it; the Vaadin build needs it too)");
        return node.get();
    }

    /** Runs node with arguments, feeding {@code stdin}; fails after {@code timeoutSeconds}. */
    public static Result run(List<String> args, String stdin, long timeoutSeconds) {
        List<String> command = new ArrayList<>();
        command.add(require().toString());
        command.addAll(args);
        try {
            Process p = new ProcessBuilder(command).directory(new File(".")).start();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            try (OutputStream in = p.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("node " + args + " did not end within " + timeoutSeconds + " s");
            }
            return new Result(p.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
