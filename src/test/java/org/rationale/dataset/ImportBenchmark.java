package org.rationale.dataset;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.rationale.imaging.ImageCodec;
import org.rationale.testing.Api;
import org.rationale.testing.Host;
import org.rationale.testing.PostgresTestResource;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

/**
 * Prints how long the full Fashion-MNIST (70,000 images) takes to import through the REST upload,
 * next to a baseline measured in the same run: reading the same IDX files and PNG-encoding every
 * image without a database. Not part of the default test run:
 * {@code mvn test -Dtest=ImportBenchmark -DexcludedGroups=none}.
 */
@QuarkusTest
@Tag("benchmark")
@TestProfile(ImportBenchmark.LargeUploads.class)
@WithTestResource(PostgresTestResource.class)
class ImportBenchmark {

    static final Path DIR = Path.of("/usr/share/datasets/fashion-mnist");

    /** Uploads as large as the Fashion-MNIST training images. */
    public static class LargeUploads implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("rationale.upload.max-size", "64M", "rationale.upload.backstop-size", "128M",
                    "rationale.import.max-total-pixels", "2000000000");
        }
    }

    private static long decodeAndEncodeOnly(String prefix) {
        long t0 = System.nanoTime();
        try (IdxSource s = IdxSource.open(DIR.resolve(prefix + "-images-idx3-ubyte.gz"), "i",
                DIR.resolve(prefix + "-labels-idx1-ubyte.gz"), "l",
                new ImportLimits(1L << 32, 200, 2_000_000, 1_000_000, 2_000_000_000L))) {
            long bytes = 0;
            while (s.hasNext()) {
                LabelledImage img = s.next();
                bytes += ImageCodec.encodePng(img.width(), img.height(), 1, img.pixels()).length;
            }
            if (bytes == 0) {
                throw new AssertionError();
            }
        }
        return System.nanoTime() - t0;
    }

    private static long upload(long project, String prefix, String split, int expected) {
        long t0 = System.nanoTime();
        List<String> warnings = given().multiPart("images", DIR.resolve(prefix + "-images-idx3-ubyte.gz").toFile())
                .multiPart("labels", DIR.resolve(prefix + "-labels-idx1-ubyte.gz").toFile())
                .multiPart("split", split)
                .post("/api/projects/" + project + "/datasets")
                .then().statusCode(201).body("sampleCount", equalTo(expected)).extract().jsonPath().getList("warnings");
        long took = System.nanoTime() - t0;
        if (warnings != null) {
            warnings.forEach(w -> System.out.println("  warning: " + w));
        }
        return took;
    }

    @Test
    void importsFullFashionMnist() {
        decodeAndEncodeOnly("t10k"); // warm-up
        long baseline = decodeAndEncodeOnly("train") + decodeAndEncodeOnly("t10k");
        long project = Api.newProject("benchmark");
        long train = upload(project, "train", "train", 60_000);
        long test = upload(project, "t10k", "test", 10_000);
        double total = (train + test) / 1e9;
        System.out.printf("%nIMPORT BENCHMARK  Fashion-MNIST 70,000 images via REST upload%n");
        System.out.printf("  train 60,000: %.2f s   test 10,000: %.2f s   total: %.2f s (%.0f images/s)%n",
                train / 1e9, test / 1e9, total, 70_000 / total);
        System.out.printf("  baseline (read IDX + PNG-encode, no database): %.2f s%n", baseline / 1e9);
        System.out.printf("  ratio import / baseline: %.2f%n%n", (train + test) / (double) baseline);
        System.out.printf(Locale.ROOT, "BENCH {\"name\":\"import\",\"machine\":\"%s\",\"images\":70000,"
                        + "\"trainSeconds\":%.3f,\"testSeconds\":%.3f,\"totalSeconds\":%.3f,\"imagesPerSecond\":%.1f,"
                        + "\"baselineSeconds\":%.3f,\"importToBaselineRatio\":%.3f}%n", Host.machine(), train / 1e9, test / 1e9,
                total, 70_000 / total, baseline / 1e9, (train + test) / (double) baseline);
    }
}
