package org.rationale.scheduler;

import org.hamcrest.Matchers;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.junit.jupiter.api.Test;
import org.rationale.testing.Api;
import org.rationale.testing.DecoyProjects;
import org.rationale.testing.PostgresTestResource;
import org.rationale.worker.WorkerPool;

import java.util.Base64;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scheduler's queue and a feedback round through the API, with the in-process worker doing the jobs. */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class RoundResourceTest {

    @Inject
    WorkerPool pool;
    @Inject
    EntityManager em;

    @Transactional
    long parentOf(long model) {
        return ((Number) em.createNativeQuery("select parent_id from model_versions where id = ?1").setParameter(1, model)
                .getSingleResult()).longValue();
    }

    @Test
    void aRoundRanksReviewsRetrainsAndRecordsItsResults() throws Exception {
        pool.start(1);
        try {
            long p = DecoyProjects.withTrainedModel("round end to end");
            long expert = Api.newUser("round-expert", "expert");
            Api.addMember(p, expert);
            JsonPath round = given().contentType(ContentType.JSON)
                    .body(Map.of("strategy", "disagreement", "batchSize", 4, "epochs", 1, "feedback", "rrr"))
                    .post("/api/projects/" + p + "/rounds").then().statusCode(201)
                    .body("number", equalTo(1)).body("state", equalTo("recomputing")).extract().jsonPath();
            long model = round.getLong("modelId");
            // a second round cannot start while this one is open
            given().contentType(ContentType.JSON).body(Map.of()).post("/api/projects/" + p + "/rounds").then()
                    .statusCode(409).body("error", containsString("Round 1 is still"));
            DecoyProjects.await("/api/projects/" + p + "/rounds/1", "state", List.of("reviewing", "failed"));
            given().get("/api/projects/" + p + "/rounds/1").then().body("state", equalTo("reviewing"));

            // the stored queue: every place with its score breakdown, the rest after the diverse batch by score
            JsonPath q = given().get("/api/projects/" + p + "/queue?limit=40").then().statusCode(200)
                    .body("", hasSize(40)).extract().jsonPath();
            List<Float> scores = q.getList("score", Float.class);
            for (int i = 5; i < scores.size(); i++) {
                assertTrue(scores.get(i - 1) >= scores.get(i), "ranked by score after the batch: " + scores);
            }
            assertNotNull(q.get("[0].components.disagreement"));
            assertNotNull(q.get("[0].components.entropy"));
            assertNotNull(q.get("[0].components.concentration"));
            assertNotNull(q.get("[0].components.diversity"));
            long first = q.getLong("[0].sampleId");
            // a strategy never ranked is not ranked by reading it: the GET names the POST that ranks
            given().get("/api/projects/" + p + "/queue?strategy=uncertainty&limit=3").then().statusCode(409)
                    .body("error", equalTo("No ranking yet"))
                    .body("detail", containsString("POST /api/projects/" + p + "/queue/rerank"));
            given().contentType(ContentType.JSON).body(Map.of("strategy", "uncertainty", "limit", 3))
                    .post("/api/projects/" + p + "/queue/rerank").then().statusCode(200).body("", hasSize(3));
            JsonPath unc = given().get("/api/projects/" + p + "/queue?strategy=uncertainty&limit=3").then().statusCode(200)
                    .body("", hasSize(3)).extract().jsonPath();
            for (int i = 0; i < 3; i++) {
                assertEquals(unc.getDouble("[" + i + "].score"), unc.getDouble("[" + i + "].components.entropy"), 1e-6,
                        "the uncertainty strategy's score is the entropy");
            }
            // the expert gets the queue's first sample, rejects its map and paints the corner as a shortcut
            JsonPath next = Api.as("round-expert").post("/api/projects/" + p + "/review/next?modelId=" + model
                    + "&split=train").then().statusCode(200).extract().jsonPath();
            long handed = next.getLong("sampleId");
            assertEquals(first, handed, "the review session follows the scheduler's order");
            long map = next.getLong("saliencyMapId");
            byte[] mask = new byte[784];
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 4; x++) {
                    mask[y * 28 + x] = 1;
                }
            }
            Api.as("round-expert").contentType(ContentType.JSON).body(Map.of("kind", "shortcut",
                    "mask", Base64.getEncoder().encodeToString(mask), "version", 0))
                    .post("/api/samples/" + handed + "/annotations").then().statusCode(201);
            Api.as("round-expert").contentType(ContentType.JSON).body(Map.of("saliencyMapId", map, "verdict", "reject"))
                    .post("/api/samples/" + handed + "/reviews").then().statusCode(201);

            // experts cannot retrain; the engineer (here the admin) can, once
            Api.as("round-expert").post("/api/projects/" + p + "/rounds/1/retrain").then().statusCode(403);
            given().post("/api/projects/" + p + "/rounds/1/retrain").then().statusCode(200)
                    .body("state", equalTo("training")).body("reviewed", equalTo(1)).body("masks", equalTo(1));
            given().post("/api/projects/" + p + "/rounds/1/retrain").then().statusCode(409);
            JsonPath done = DecoyProjects.await("/api/projects/" + p + "/rounds/1", "state", List.of("done", "failed"));
            assertEquals("done", done.getString("state"), done.getString("error"));
            long trained = done.getLong("trainedModelId");
            assertEquals(model, parentOf(trained), "the new version descends from the reviewed one");
            assertTrue(done.getDouble("testAccuracy") > 0, "test accuracy recorded");
            assertNotNull(done.get("shortcutMass"), "share of attribution on known shortcuts recorded");
            given().get("/api/jobs/" + done.getLong("trainingJobId")).then()
                    .body("result.modelId", equalTo((int) trained));
            // the new version's queue is ranked and learns from the painted corner
            given().get("/api/projects/" + p + "/queue?limit=5&modelId=" + trained).then().statusCode(200)
                    .body("", hasSize(5)).body("[0].components.predictedShortcutMass", Matchers.notNullValue());
            given().get("/api/projects/" + p + "/rounds").then().body("", hasSize(1));
        } finally {
            pool.stop();
        }
    }

    @Test
    void rejectsBadQueueAndRoundRequests() throws Exception {
        long p = Api.newProject("round bad input");
        // no model yet
        given().get("/api/projects/" + p + "/queue").then().statusCode(400).body("error", equalTo("No model yet"));
        given().contentType(ContentType.JSON).body(Map.of()).post("/api/projects/" + p + "/rounds").then()
                .statusCode(400).body("error", equalTo("No model yet"));
        given().get("/api/projects/" + p + "/queue?strategy=greedy").then().statusCode(400)
                .body("error", containsString("Unknown strategy"));
        given().contentType(ContentType.JSON).body(Map.of("strategy", "random", "feedback", "shout"))
                .post("/api/projects/" + p + "/rounds").then().statusCode(400).body("error", containsString("Unknown feedback"));
        given().contentType(ContentType.JSON).body(Map.of("batchSize", 0)).post("/api/projects/" + p + "/rounds")
                .then().statusCode(400).body("error", containsString("batchSize"));
        given().contentType(ContentType.JSON).body(Map.of("disagreement", -1)).put("/api/projects/" + p + "/queue/settings")
                .then().statusCode(400).body("error", containsString("Invalid weight"));
        given().contentType(ContentType.JSON).body(Map.of("pool", 5)).put("/api/projects/" + p + "/queue/settings")
                .then().statusCode(400).body("error", containsString("Invalid pool"));
        given().contentType(ContentType.JSON).body(Map.of("method", "crystal-ball")).put("/api/projects/" + p + "/queue/settings")
                .then().statusCode(400);
        // with a model: the queue's limit and a rerank's batch size, limit, strategy and weights are checked
        Api.uploadFixtureCnn(p);
        for (String limit : List.of("0", "-3", "5001", "ten")) {
            given().get("/api/projects/" + p + "/queue?strategy=random&limit=" + limit).then().statusCode(400);
        }
        given().get("/api/projects/" + p + "/queue?strategy=random&limit=0").then().body("error", equalTo("Invalid limit 0"));
        given().get("/api/projects/" + p + "/queue?strategy=random&limit=ten").then().body("error", equalTo("Invalid parameter"));
        given().contentType(ContentType.JSON).body(Map.of("batchSize", 0)).post("/api/projects/" + p + "/queue/rerank")
                .then().statusCode(400).body("error", equalTo("Invalid batchSize 0"));
        given().contentType(ContentType.JSON).body(Map.of("limit", 6000)).post("/api/projects/" + p + "/queue/rerank")
                .then().statusCode(400).body("error", equalTo("Invalid limit 6000"));
        given().contentType(ContentType.JSON).body(Map.of("strategy", "loudest")).post("/api/projects/" + p + "/queue/rerank")
                .then().statusCode(400).body("error", containsString("Unknown strategy"));
        given().contentType(ContentType.JSON).body(Map.of("redFlag", -1)).post("/api/projects/" + p + "/queue/rerank")
                .then().statusCode(400).body("error", containsString("Invalid weight"));
        given().contentType(ContentType.JSON).body("{\"batchSize\": ").post("/api/projects/" + p + "/queue/rerank")
                .then().statusCode(400);
        given().contentType(ContentType.JSON).body(Map.of("modelId", 987654321)).post("/api/projects/" + p + "/queue/rerank")
                .then().statusCode(404);
        given().post("/api/projects/" + p + "/rounds/7/retrain").then().statusCode(404);
        given().get("/api/projects/" + p + "/rounds/7").then().statusCode(404);
        // the settings did not change on any of the bad requests
        given().get("/api/projects/" + p + "/queue/settings").then().body("strategy", equalTo("hybrid"))
                .body("pool", equalTo(2000));
        given().get("/api/projects/" + p + "/rounds").then().body("", hasSize(0));
        // a member of another project sees nothing of this one
        long other = Api.newProject("round other");
        long u = Api.newUser("round-outsider", "engineer");
        Api.addMember(other, u);
        Api.as("round-outsider").get("/api/projects/" + p + "/rounds").then().statusCode(403);
        Api.as("round-outsider").get("/api/projects/" + p + "/queue").then().statusCode(403);
        Api.as("round-outsider").contentType(ContentType.JSON).body(Map.of()).post("/api/projects/" + p + "/rounds")
                .then().statusCode(403);
    }
}
