package org.rationale.ui.review;

import org.junit.jupiter.api.Test;
import org.rationale.saliency.Colormap;
import org.rationale.saliency.MapRendering;
import org.rationale.testing.NodeJs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The review canvas's JS modules (frontend/saliency: half floats, normalisation, colormaps, painter;
 * frontend/review/base64.js) under Node's own test runner: every {@code *.test.mjs} in src/test/frontend.
 */
class CanvasModulesTest {

    @Test
    void jsModuleTestsPass() throws IOException {
        List<String> args = new ArrayList<>(List.of("--test"));
        try (Stream<Path> files = Files.walk(Path.of("src", "test", "frontend"))) {
            files.filter(f -> f.getFileName().toString().endsWith(".test.mjs")).sorted()
                    .forEach(f -> args.add(f.toString()));
        }
        assertFalse(args.size() < 5, "test files found: " + args);
        NodeJs.Result r = NodeJs.run(args, "", 120);
        assertEquals(0, r.exitCode(), () -> "node --test failed:\n" + r.stdout() + "\n" + r.stderr());
    }

    @Test
    void theCanvasOffersTheColormapsAndSignModesOfTheSharedRendering() {
        assertEquals(names(Colormap.values()), names(ReviewCanvas.Colormap.values()));
        assertEquals(names(MapRendering.Sign.values()), names(ReviewCanvas.Sign.values()));
        ReviewCanvas canvas = new ReviewCanvas();
        assertEquals(MapRendering.REVIEW.colormap().name(), canvas.getColormap().name());
        assertEquals(MapRendering.REVIEW.sign().name(), canvas.getSign().name());
        assertEquals(MapRendering.REVIEW.opacity(), canvas.getOpacity());
    }

    private static List<String> names(Enum<?>[] values) {
        return Arrays.stream(values).map(Enum::name).toList();
    }
}
