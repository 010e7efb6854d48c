package org.rationale.model;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.rationale.explain.TabularInput;
import org.rationale.testing.PostgresTestResource;
import org.rationale.testing.TabularProjects;
import org.rationale.testing.TableRows;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A tabular version's reference rows (baseline {@code mean} and {@code sample}) are fixed when it
 * is stored: a training table added to the project afterwards changes neither them nor the
 * {@code baseline=mean} map, in this process or in a freshly loaded copy (a fresh worker); a
 * version stored before reference rows were kept takes them from the tables imported before it; a
 * trained version's are the rows it was trained on.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class TabularReferenceRowsTest {

    private static final String COLUMNS = "[{\"name\": \"x1\", \"type\": \"numeric\"}, "
            + "{\"name\": \"x2\", \"type\": \"numeric\"}]";

    @Inject
    AgroalDataSource db;
    @Inject
    TrainingService training;
    @Inject
    ModelService models;

    /** n rows around {@code shift}: yes when x1 > shift. */
    private static List<TableRows.Row> rows(int n, long seed, double shift) {
        Random r = new Random(seed);
        List<TableRows.Row> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double x1 = r.nextGaussian() + shift;
            double x2 = r.nextGaussian() * 2 + shift;
            out.add(new TableRows.Row(x1 > shift ? 1 : 0, String.format(Locale.ROOT, "{\"x1\": %.6f, \"x2\": %.6f}", x1, x2)));
        }
        return out;
    }

    @Test
    void aTrainingTableAddedLaterChangesNeitherTheReferenceRowsNorTheMeanBaselineMap() throws Exception {
        long p = TabularProjects.create("reference rows");
        List<String> classes = List.of("no", "yes");
        TableRows.insert(db, p, "train", "first", COLUMNS, 2, classes, rows(200, 1, 0));
        long row = TableRows.insert(db, p, "test", "test", COLUMNS, 2, classes, rows(20, 2, 0)).get(0);
        long job = training.start(p, new TrainingRequest("ref-mlp", "train", 3, 32, 1e-2, 5L));
        training.run(job);
        long modelId = given().get("/api/jobs/" + job).then().statusCode(200).extract().jsonPath().getLong("result.modelId");
        ModelVersion v = models.version(modelId).orElseThrow();
        TabularInput before = models.tabularInput(v);
        String mapPath = "/api/samples/" + row + "/saliency?modelId=" + modelId
                + "&method=integrated-gradients&baseline=mean&target=1";
        List<Float> mapBefore = given().post(mapPath).then().statusCode(200).extract().jsonPath().getList("values", Float.class);

        // a second training table far from the first: the project's training mean moves by about 5
        TableRows.insert(db, p, "train", "second", COLUMNS, 2, classes, rows(200, 3, 10));
        TabularInput now = models.drawn(models.tableEncoding(v).orElseThrow(), p, null);
        assertTrue(Math.abs(now.mean()[0] - before.mean()[0]) > 1, "the added table moves the project's mean");

        TabularInput after = models.tabularInput(v);
        assertArrayEquals(before.mean(), after.mean());
        assertEquals(before.referenceRows().length, after.referenceRows().length);
        for (int i = 0; i < before.referenceRows().length; i++) {
            assertArrayEquals(before.referenceRows()[i], after.referenceRows()[i]);
        }
        try (BlockModel fresh = models.fresh(v)) {
            assertArrayEquals(before.mean(), fresh.tabular().orElseThrow().mean(), "a fresh worker's copy");
        }
        // the map under the same key, computed again (the stored one deleted): the same values
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "delete from saliency_maps where sample_id = ?")) {
            ps.setLong(1, row);
            ps.executeUpdate();
        }
        List<Float> mapAfter = given().post(mapPath).then().statusCode(200).extract().jsonPath().getList("values", Float.class);
        assertEquals(mapBefore, mapAfter);

        // a version stored before reference rows were kept: the tables imported up to its creation
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "delete from model_artifacts where model_version_id = ? and part = 'reference'")) {
            ps.setLong(1, modelId);
            assertEquals(1, ps.executeUpdate());
        }
        TabularInput legacy = models.tabularInput(v);
        // the same rows as it was trained on (the whole training split then), encoded again: equal up to float rounding
        assertArrayEquals(before.mean(), legacy.mean(), 1e-5f);
        assertFalse(Math.abs(legacy.mean()[0] - now.mean()[0]) < 1);
    }

    @Test
    void aTrainedVersionKeepsTheRowsItWasTrainedOnAsItsReferenceNotTheTrainingSplit() {
        long p = TabularProjects.create("reference of trained rows");
        List<String> classes = List.of("no", "yes");
        // trained on the validation split (around 10); the training split sits around 0
        TableRows.insert(db, p, "train", "train", COLUMNS, 2, classes, rows(200, 4, 0));
        TableRows.insert(db, p, "validation", "validation", COLUMNS, 2, classes, rows(150, 5, 10));
        long job = training.start(p, new TrainingRequest("trained-on-mlp", "validation", 2, 32, 1e-2, 5L));
        training.run(job);
        long modelId = given().get("/api/jobs/" + job).then().statusCode(200).extract().jsonPath().getLong("result.modelId");
        ModelVersion v = models.version(modelId).orElseThrow();

        TabularInput reference = models.tabularInput(v);
        // the mean of the rows it was trained on, standardised by their own mean and spread: zero
        assertEquals(0, reference.mean()[0], 1e-4);
        assertEquals(0, reference.mean()[1], 1e-4);
        assertEquals(ModelService.REFERENCE_ROWS, reference.referenceRows().length);
        TabularInput ofTrainingSplit = models.drawn(models.tableEncoding(v).orElseThrow(), p, null);
        assertTrue(ofTrainingSplit.mean()[0] < -5, "the training split sits far below the rows trained on");
        for (float[] row : reference.referenceRows()) {
            assertTrue(Math.abs(row[0]) < 6, "a reference row is a standardised validation row, not a training one");
        }
    }
}
