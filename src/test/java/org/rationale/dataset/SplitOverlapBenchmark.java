package org.rationale.dataset;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.rationale.testing.Host;
import org.rationale.testing.PostgresTestResource;
import org.rationale.testing.TabularProjects;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Prints what the check for rows found again in another split costs a table import: a test table of
 * 50,000 rows imported beside a training table of 200,000 (12 features, an id, a categorical column of
 * three values and a boolean), 5,000 of its rows sharing an id with training rows and 2,500 equal to one
 * in every feature; the check's own time measured again on the stored rows, against the whole import
 * in the same run. Not part of the default test run:
 * {@code mvn test -Dtest=SplitOverlapBenchmark -DexcludedGroups=none}.
 */
@QuarkusTest
@Tag("benchmark")
@TestProfile(ImportBenchmark.LargeUploads.class)
@WithTestResource(PostgresTestResource.class)
class SplitOverlapBenchmark {

    private static final int TRAIN = 200_000;
    private static final int TEST = 50_000;

    @Inject
    SampleStore store;

    private static String row(String id, Random r, StringBuilder b) {
        b.setLength(0);
        b.append(id);
        for (int f = 0; f < 10; f++) {
            b.append(',').append(String.format(Locale.US, "%.4f", r.nextGaussian()));
        }
        b.append(',').append("ABC".charAt(r.nextInt(3))).append(',').append(r.nextBoolean())
                .append(',').append(r.nextBoolean() ? "yes" : "no");
        return b.toString();
    }

    private static final String HEADER = "case,f0,f1,f2,f3,f4,f5,f6,f7,f8,f9,site,smoker,y";

    private static long post(long project, String name, String split, StringBuilder csv) {
        long t0 = System.nanoTime();
        given().multiPart("table", name + ".csv", csv.toString().getBytes(StandardCharsets.UTF_8), "text/csv")
                .multiPart("label", "y").multiPart("id", "case").multiPart("name", name).multiPart("split", split)
                .post("/api/projects/" + project + "/datasets").then().statusCode(201);
        return System.nanoTime() - t0;
    }

    @Test
    void printsTheCostOfTheCheckBesideTheImport() {
        long p = TabularProjects.create("overlap bench");
        Random r = new Random(7);
        StringBuilder b = new StringBuilder();
        StringBuilder train = new StringBuilder(HEADER).append('\n');
        List<String> trainRows = new ArrayList<>();
        for (int i = 0; i < TRAIN; i++) {
            String line = row("t" + i, r, b);
            trainRows.add(line);
            train.append(line).append('\n');
        }
        long trainNs = post(p, "train", "train", train);
        StringBuilder test = new StringBuilder(HEADER).append('\n');
        for (int i = 0; i < TEST; i++) {
            if (i < 5_000) {
                test.append(row("t" + (i * 7), r, b)).append('\n');
            } else if (i < 7_500) {
                String seen = trainRows.get(i * 13);
                test.append("x").append(i).append(seen.substring(seen.indexOf(','))).append('\n');
            } else {
                test.append(row("x" + i, r, b)).append('\n');
            }
        }
        long testNs = post(p, "test", "test", test);
        long datasetId = given().get("/api/projects/" + p + "/datasets").then().statusCode(200).extract().jsonPath()
                .getLong("find { it.name == 'test' }.id");
        long best = Long.MAX_VALUE;
        List<SampleStore.SplitOverlap> found = null;
        for (int k = 0; k < 3; k++) {
            long t0 = System.nanoTime();
            found = store.overlapWithOtherSplits(datasetId);
            best = Math.min(best, System.nanoTime() - t0);
        }
        assertEquals(1, found.size());
        assertEquals(5_000, found.get(0).sameId());
        assertEquals(2_500, found.get(0).sameValues());
        double checkMs = best / 1e6;
        double importMs = testNs / 1e6;
        System.out.printf(Locale.US, "Train import (%,d rows): %.0f ms; test import (%,d rows): %.0f ms, of which the "
                + "check for rows in other splits about %.0f ms (%.1f %%)%n", TRAIN, trainNs / 1e6, TEST, importMs,
                checkMs, 100 * checkMs / importMs);
        System.out.printf(Locale.US, "BENCH {\"benchmark\":\"split-overlap\",\"host\":\"%s\",\"trainRows\":%d,"
                        + "\"testRows\":%d,\"testImportMs\":%.0f,\"checkMs\":%.0f,\"checkShareOfImport\":%.4f}%n",
                Host.machine(), TRAIN, TEST, importMs, checkMs, checkMs / importMs);
    }
}
