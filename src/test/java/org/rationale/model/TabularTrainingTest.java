package org.rationale.model;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.rationale.testing.PostgresTestResource;
import org.rationale.testing.TableRows;
import org.rationale.testing.TabularProjects;
import org.rationale.worker.WorkerPool;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The platform's MLP on a tabular project, trained through the training endpoint as a job: on a
 * table whose label a numeric and a categorical column decide, it beats the majority class on the
 * test split, and its version predicts and explains rows like an uploaded one.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class TabularTrainingTest {

    private static final String COLUMNS = "[{\"name\": \"x1\", \"type\": \"numeric\"}, "
            + "{\"name\": \"x2\", \"type\": \"numeric\"}, {\"name\": \"flag\", \"type\": \"boolean\"}, "
            + "{\"name\": \"group\", \"type\": \"categorical\", \"categories\": [\"a\", \"b\"]}]";

    @Inject
    AgroalDataSource db;

    @Inject
    WorkerPool pool;

    /** n rows: yes when x1 + 0.8 · [group = a] > 1 (x2 and flag are noise). */
    private static List<TableRows.Row> rows(int n, long seed) {
        Random r = new Random(seed);
        List<TableRows.Row> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double x1 = r.nextGaussian();
            double x2 = r.nextGaussian() * 3 + 10;
            boolean flag = r.nextBoolean();
            String group = r.nextBoolean() ? "a" : "b";
            int label = x1 + (group.equals("a") ? 0.8 : 0) > 1 ? 1 : 0;
            out.add(new TableRows.Row(label, String.format(Locale.ROOT,
                    "{\"x1\": %.6f, \"x2\": %.6f, \"flag\": %b, \"group\": \"%s\"}", x1, x2, flag, group)));
        }
        return out;
    }

    private static JsonPath awaitJob(long job) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 180_000;
        while (System.currentTimeMillis() < deadline) {
            JsonPath j = given().get("/api/jobs/" + job).then().statusCode(200).extract().jsonPath();
            String state = j.getString("state");
            if (state.equals("succeeded") || state.equals("failed")) {
                return j;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("job " + job + " did not finish");
    }

    @Test
    void theMlpBeatsTheMajorityClassOnASeparableTableAndItsRowsHaveMaps() throws Exception {
        long p = TabularProjects.create("tabular training");
        List<String> classes = List.of("no", "yes");
        TableRows.insert(db, p, "train", "synthetic-train", COLUMNS, 4, classes, rows(400, 1));
        List<TableRows.Row> test = rows(200, 2);
        List<Long> testIds = TableRows.insert(db, p, "test", "synthetic-test", COLUMNS, 4, classes, test);
        long yes = test.stream().filter(r -> r.label() == 1).count();
        double majority = Math.max(yes, test.size() - yes) / (double) test.size();

        long job = given().contentType(ContentType.JSON)
                .body(Map.of("epochs", 30, "batchSize", 32, "learningRate", 0.01, "seed", 3))
                .post("/api/projects/" + p + "/trainings").then().statusCode(202).extract().jsonPath().getLong("jobId");
        JsonPath done;
        pool.start(1);
        try {
            done = awaitJob(job);
        } finally {
            pool.stop();
        }
        assertEquals("succeeded", done.getString("state"), String.valueOf(done.getString("error")));
        double accuracy = done.getDouble("result.accuracy.test");
        assertTrue(accuracy > majority + 0.1, "test accuracy " + accuracy + " vs the majority class's " + majority);

        long model = done.getLong("result.modelId");
        given().get("/api/models/" + model).then().statusCode(200).body("kind", equalTo(TabularMlp.ARCHITECTURE))
                .body("origin", equalTo("trained")).body("modality", equalTo("tabular"))
                .body("name", equalTo("tabular-mlp"))
                .body("spec.features", equalTo(List.of("x1", "x2", "flag", "group=a", "group=b")));
        given().get("/api/samples/" + testIds.get(0) + "/predictions?modelId=" + model).then().statusCode(200);
        given().post("/api/samples/" + testIds.get(0) + "/saliency?modelId=" + model + "&method=vanilla-gradient")
                .then().statusCode(200).body("shape", equalTo(List.of(4)))
                .body("features", equalTo(List.of("x1", "x2", "flag", "group")));
    }
}
