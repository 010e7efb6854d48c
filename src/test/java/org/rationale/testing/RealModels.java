package org.rationale.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A torchvision ResNet-18 (TorchScript, random seeded weights) and a zip of photographs from
 * scikit-image, made once into {@code target/real-models} by the committed scripts
 * ({@code src/test/python/make_resnet18.py}, {@code make_photos_zip.py}) and reused: the model is
 * about 45 MB and is not committed. Needs python3 with torch, torchvision, scikit-image and Pillow.
 */
public final class RealModels {

    private static final Path DIR = Path.of("target", "real-models");

    private RealModels() {
    }

    /** The whole ResNet-18 traced on 1×3×224×224 in eval mode. */
    public static Path resnet18() {
        return made("resnet18.pt");
    }

    /** conv1 … layer4 of the same network. */
    public static Path resnet18Features() {
        return made("resnet18-features.pt");
    }

    /** avgpool, flatten, fc of the same network. */
    public static Path resnet18Classifier() {
        return made("resnet18-classifier.pt");
    }

    /** The ResNet-18's input spec (JSON): 3×224×224, ImageNet normalisation, classes animal and thing. */
    public static String resnet18Spec() {
        try {
            return Files.readString(made("resnet18-spec.json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A zip in the ImageFolder layout: animal/ (451×300 RGB JPEG, 400×328 gray PNG) and thing/
     * (512×512 RGB, 640×480 JPEG, 600×400 RGBA PNG, 500×500 palette PNG).
     */
    public static Path photosZip() {
        return made("photos.zip");
    }

    /**
     * A 1×28×28 two-class TorchScript model that looks only at the 4×4 top-left patch: class 0
     * when the patch is bright (mean above 0.5), else 1 ({@code src/test/python/make_corner_patch.py}).
     */
    public static Path cornerPatch() {
        return made("corner-patch.pt");
    }

    /**
     * A TorchScript model (1×28×28, classes bright and dark) whose decision hangs on the top-left 4×4
     * patch behind a saturated tanh, so its input gradient there is 0 (see make_corner_patch.py).
     */
    public static Path maskedCorner() {
        return made("masked-corner.pt");
    }

    private static synchronized Path made(String name) {
        Path file = DIR.resolve(name);
        if (Files.exists(file)) {
            return file;
        }
        try {
            Files.createDirectories(DIR);
            Path tmp = Files.createTempDirectory(DIR, "making");
            if (name.equals("photos.zip")) {
                run(List.of(python(), "src/test/python/make_photos_zip.py", tmp.resolve(name).toString()));
            } else if (name.equals("masked-corner.pt")) {
                run(List.of(python(), "src/test/python/make_corner_patch.py", "--masked", tmp.resolve(name).toString()));
            } else if (name.equals("corner-patch.pt")) {
                run(List.of(python(), "src/test/python/make_corner_patch.py", tmp.resolve(name).toString()));
            } else {
                run(List.of(python(), "src/test/python/make_resnet18.py", tmp.toString()));
            }
            try (var made = Files.list(tmp)) {
                for (Path p : made.toList()) {
                    Files.move(p, DIR.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING,
                            StandardCopyOption.ATOMIC_MOVE);
                }
            }
            Files.delete(tmp);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!Files.exists(file)) {
            throw new IllegalStateException("The fixture script did not make " + file);
        }
        return file;
    }

    /** Debian's python3 (with python3-torch, -torchvision, -skimage), else the one on the PATH. */
    private static String python() {
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }

    private static void run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try {
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " took over 10 minutes");
            }
            output = new String(p.getInputStream().readAllBytes());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
    }
}
