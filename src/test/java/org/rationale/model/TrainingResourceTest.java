package org.rationale.model;

import java.util.Arrays;
import org.hamcrest.Matchers;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.junit.jupiter.api.Test;
import org.rationale.worker.WorkerPool;
import org.rationale.testing.Api;
import org.rationale.testing.PostgresTestResource;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class TrainingResourceTest {

    @Inject
    WorkerPool pool;
    @Inject
    TrainingService training;
    @Inject
    EntityManager em;

    /** n noisy 28×28 images whose label (0–3) is a bright 7×7 block in one quadrant: easy to learn. */
    static byte[][] quadrants(int n, long seed) {
        Random r = new Random(seed);
        ByteBuffer images = ByteBuffer.allocate(16 + n * 784).putInt(0x803).putInt(n).putInt(28).putInt(28);
        ByteBuffer labels = ByteBuffer.allocate(8 + n).putInt(0x801).putInt(n);
        for (int i = 0; i < n; i++) {
            int label = i % 4;
            int oy = (label / 2) * 14 + 3;
            int ox = (label % 2) * 14 + 3;
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    boolean on = y >= oy && y < oy + 7 && x >= ox && x < ox + 7;
                    images.put((byte) (on ? 200 + r.nextInt(55) : r.nextInt(60)));
                }
            }
            labels.put((byte) label);
        }
        return new byte[][] {images.array(), labels.array()};
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
    void trainsTheSmallCnnAsAJobAndItsMapsWork() throws Exception {
        long p = Api.newProject("training");
        byte[][] train = quadrants(400, 1);
        given().multiPart("images", "q.idx", train[0], "application/octet-stream")
                .multiPart("labels", "ql.idx", train[1], "application/octet-stream")
                .multiPart("classNames", "top-left,top-right,bottom-left,bottom-right")
                .multiPart("split", "train").post("/api/projects/" + p + "/datasets").then().statusCode(201);
        long job = given().contentType(ContentType.JSON).body(Map.of("name", "quadrants", "epochs", 3, "batchSize", 32, "seed", 5))
                .post("/api/projects/" + p + "/trainings").then().statusCode(202)
                .extract().jsonPath().getLong("jobId");
        // training is an item of the queue: nothing happens until a worker claims it
        Thread.sleep(300);
        given().get("/api/jobs/" + job).then().body("state", equalTo("queued")).body("kind", equalTo("train"))
                .body("itemsTotal", equalTo(1));
        JsonPath done;
        pool.start(1);
        try {
            done = awaitJob(job);
        } finally {
            pool.stop();
        }
        assertEquals("succeeded", done.getString("state"), String.valueOf(done.getString("error")));
        assertTrue(done.getDouble("result.accuracy.train") > 0.95, "train accuracy " + done.get("result.accuracy"));
        long model = done.getLong("result.modelId");
        given().get("/api/models/" + model).then().statusCode(200)
                .body("origin", equalTo("trained")).body("kind", equalTo("small-cnn-v1")).body("supportsCam", equalTo(true))
                .body("spec.classes[3]", equalTo("bottom-right"));

        long sample = given().get("/api/projects/" + p + "/samples?label=3&limit=1").then().extract().jsonPath().getLong("items[0].id");
        given().get("/api/samples/" + sample + "/predictions?modelId=" + model).then().statusCode(200)
                .body("predictedLabel", equalTo(3));
        // Grad-CAM of a model that learned the quadrant puts more of its mass there than in any other quadrant
        JsonPath cam = given().post("/api/samples/" + sample + "/saliency?modelId=" + model + "&method=grad-cam")
                .then().statusCode(200).extract().jsonPath();
        double[] quadrant = new double[4];
        var values = cam.getList("values", Float.class);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                quadrant[(y / 14) * 2 + x / 14] += values.get(y * 28 + x);
            }
        }
        for (int q = 0; q < 3; q++) {
            assertTrue(quadrant[3] > quadrant[q], "Grad-CAM mass by quadrant " + Arrays.toString(quadrant));
        }
        // on the trained CNN, Integrated Gradients at 64 steps sums to f(x) - f(black) within 1 %
        given().post("/api/samples/" + sample + "/saliency?modelId=" + model + "&method=integrated-gradients&steps=64")
                .then().statusCode(200)
                .body("metrics.completenessGapRelative", Matchers.lessThan(0.01f));
    }

    @Transactional
    long versionsMadeBy(long job) {
        return ((Number) em.createNativeQuery("select count(*) from model_versions where training_job_id = ?1")
                .setParameter(1, job).getSingleResult()).longValue();
    }

    @Test
    void aRetriedTrainingStoresOneVersionNotTwo() {
        long p = Api.newProject("training-retry");
        byte[][] train = quadrants(64, 2);
        given().multiPart("images", "q.idx", train[0], "application/octet-stream")
                .multiPart("labels", "ql.idx", train[1], "application/octet-stream")
                .multiPart("classNames", "a,b,c,d").multiPart("split", "train")
                .post("/api/projects/" + p + "/datasets").then().statusCode(201);
        long job = given().contentType(ContentType.JSON).body(Map.of("name", "retry", "epochs", 1, "batchSize", 32))
                .post("/api/projects/" + p + "/trainings").then().statusCode(202).extract().jsonPath().getLong("jobId");
        // a worker that stored the version and died before marking its item done: the next one trains again
        training.run(job);
        long first = given().get("/api/jobs/" + job).then().extract().jsonPath().getLong("result.modelId");
        training.run(job);
        long second = given().get("/api/jobs/" + job).then().extract().jsonPath().getLong("result.modelId");
        assertEquals(first, second);
        assertEquals(1, versionsMadeBy(job));
        given().get("/api/projects/" + p + "/models").then().body("size()", equalTo(1));
        given().post("/api/jobs/" + job + "/cancel").then().statusCode(200);
    }

    @Test
    void rejectsBadTrainingRequests() {
        long p = Api.newProject("bad training");
        given().contentType(ContentType.JSON).body(Map.of("epochs", 0)).post("/api/projects/" + p + "/trainings")
                .then().statusCode(400).body("error", equalTo("Invalid epochs 0"));
        given().contentType(ContentType.JSON).body(Map.of("split", "holdout")).post("/api/projects/" + p + "/trainings")
                .then().statusCode(400).body("error", startsWith("Unknown split"));
        given().contentType(ContentType.JSON).body(Map.of()).post("/api/projects/" + p + "/trainings")
                .then().statusCode(400).body("error", equalTo("Nothing to train on"));
        // a round's own fields are the platform's: a client naming a round (perhaps another project's) is refused
        for (Map<String, Object> roundOnly : List.<Map<String, Object>>of(Map.of("roundId", 1), Map.of("controls", 2),
                Map.of("feedbackBefore", "2026-01-01T00:00:00Z"))) {
            given().contentType(ContentType.JSON).body(roundOnly).post("/api/projects/" + p + "/trainings")
                    .then().statusCode(400).body("error", equalTo("Round fields in a training request"));
        }
        given().contentType(ContentType.JSON).body(Map.of()).post("/api/projects/987654321/trainings")
                .then().statusCode(404);
        given().get("/api/jobs/987654321").then().statusCode(404).body("error", equalTo("Job 987654321 not found"));
    }
}
