package org.rationale.dataset;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.rationale.testing.PostgresTestResource;
import org.rationale.testing.TabularProjects;
import org.rationale.testing.TableRows;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A row's values against its project's training rows: a number's percentile, a category's and a
 * boolean's share; a new training table changes the answer (the summary follows the datasets); rows
 * beyond the first page read count once each.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class TrainingStandingTest {

    private static final String COLUMNS = "[{\"name\": \"radius\", \"type\": \"numeric\"}, "
            + "{\"name\": \"site\", \"type\": \"categorical\", \"categories\": [\"A\", \"B\"]}, "
            + "{\"name\": \"smoker\", \"type\": \"boolean\"}]";

    @Inject
    AgroalDataSource db;

    @Inject
    TrainingDistribution distribution;

    /** Rows radius = from..to, site B on the first {@code b} of them, smokers on every fourth. */
    private static List<TableRows.Row> rows(int from, int to, int b) {
        List<TableRows.Row> out = new ArrayList<>();
        for (int r = from; r <= to; r++) {
            out.add(new TableRows.Row(0, "{\"radius\": " + r + ", \"site\": \"" + (r - from < b ? "B" : "A")
                    + "\", \"smoker\": " + (r % 4 == 0) + "}"));
        }
        return out;
    }

    /** The values of a row as the review reads them. */
    private static Map<String, Object> row(double radius, String site, boolean smoker) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("radius", radius);
        row.put("site", site);
        row.put("smoker", smoker);
        return row;
    }

    @Test
    void aRowsValuesAreStatedAgainstTheTrainingRowsOnly() {
        long p = TabularProjects.create("standing");
        List<String> classes = List.of("benign", "malignant");
        TableRows.insert(db, p, "train", "train", COLUMNS, 3, classes, rows(1, 100, 70));
        // test rows do not count
        TableRows.insert(db, p, "test", "test", COLUMNS, 3, classes, rows(1000, 1099, 0));
        Map<String, Object> row = row(82.0, "B", true);
        assertEquals(Map.of("radius", "82nd percentile of training", "site", "B — 70 % of training rows",
                "smoker", "yes — 25 % of training rows"), distribution.standing(p, row));

        TableRows.insert(db, p, "train", "more", COLUMNS, 3, classes, rows(101, 200, 0));
        assertEquals(Map.of("radius", "41st percentile of training", "site", "B — 35 % of training rows",
                "smoker", "yes — 25 % of training rows"), distribution.standing(p, row));
    }

    @Test
    void trainingRowsBeyondTheFirstPageAreReadEachOnce() {
        long p = TabularProjects.create("standing pages");
        List<String> classes = List.of("benign", "malignant");
        // 2,500 rows (three pages): site B only on the last 500, radius 1..2,500
        List<TableRows.Row> rows = new ArrayList<>();
        for (int r = 1; r <= 2500; r++) {
            rows.add(new TableRows.Row(0, "{\"radius\": " + r + ", \"site\": \"" + (r > 2000 ? "B" : "A")
                    + "\", \"smoker\": " + (r % 4 == 0) + "}"));
        }
        TableRows.insert(db, p, "train", "train", COLUMNS, 3, classes, rows);
        Map<String, Object> row = row(2050.0, "B", false);
        assertEquals(Map.of("radius", "82nd percentile of training", "site", "B — 20 % of training rows",
                "smoker", "no — 75 % of training rows"), distribution.standing(p, row));
    }

    @Test
    void aSummaryPreparedAheadIsReadOnceHoweverManyRowsAskAtOnce() throws Exception {
        long p = TabularProjects.create("standing prepared");
        TableRows.insert(db, p, "train", "train", COLUMNS, 3, List.of("benign", "malignant"), rows(1, 2500, 500));
        Map<String, Object> row = row(2050.0, "B", false);
        Map<String, String> expected = Map.of("radius", "82nd percentile of training",
                "site", "B — 20 % of training rows", "smoker", "no — 75 % of training rows");
        int before = distribution.computed();
        // prepared in the background (no request of its own), while eight page threads ask at once
        distribution.prepare(p);
        ExecutorService pages = Executors.newFixedThreadPool(8);
        try {
            List<Future<Map<String, String>>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(pages.submit(() -> distribution.standing(p, row)));
            }
            for (Future<Map<String, String>> a : answers) {
                assertEquals(expected, a.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pages.shutdownNow();
        }
        assertEquals(before + 1, distribution.computed(), "the training rows were read once");
        // asked again: kept
        assertEquals(expected, distribution.standing(p, row));
        assertEquals(before + 1, distribution.computed());
    }
}
