package org.rationale.scheduler;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.rationale.testing.Api;
import org.rationale.testing.DecoyProjects;
import org.rationale.testing.PostgresTestResource;
import org.rationale.worker.WorkerPool;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A feedback round on table rows through the API, as an engineer and an expert run one on the
 * breast-cancer demo: the platform's MLP learns the {@code site} shortcut of the training split,
 * the round hands rows out, the expert marks {@code site} as a shortcut on each and rejects its map,
 * and the round's retraining scores higher on the test split (where {@code site} is random) than
 * the round's control, the same retraining without the round's marks.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class TabularRoundTest {

    static final Path DEMO = Path.of("src/main/resources/demo/breast-cancer-site");

    @Inject
    AgroalDataSource db;

    @Inject
    WorkerPool pool;

    @Test
    void aRoundWithSiteMarkedOnItsRowsRetrainsAModelMoreAccurateOnTheTestSplitThanItsControl() throws Exception {
        long p = given().contentType(ContentType.JSON)
                .body(Map.of("name", "tabular round " + System.nanoTime(), "modality", "tabular"))
                .post("/api/projects").then().statusCode(201).extract().jsonPath().getLong("id");
        for (String split : List.of("train", "test")) {
            given().multiPart("table", split + ".csv", Files.readAllBytes(DEMO.resolve(split + ".csv")), "text/csv")
                    .multiPart("label", "diagnosis").multiPart("name", "breast cancer " + split)
                    .multiPart("split", split).post("/api/projects/" + p + "/datasets").then().statusCode(201);
        }
        long expert = Api.newUser("tabular-round-expert", "expert");
        Api.addMember(p, expert);
        pool.start(1);
        try {
            long job = given().contentType(ContentType.JSON).body(Map.of("epochs", 20, "batchSize", 32,
                            "learningRate", 0.003, "seed", 5))
                    .post("/api/projects/" + p + "/trainings").then().statusCode(202).extract().jsonPath().getLong("jobId");
            JsonPath trained = DecoyProjects.await("/api/jobs/" + job, "state", List.of("succeeded", "failed"));
            assertEquals("succeeded", trained.getString("state"), trained.getString("error"));
            long parent = trained.getLong("result.modelId");

            given().contentType(ContentType.JSON).body(Map.of("strategy", "disagreement", "batchSize", 20,
                            "epochs", 20, "feedback", "rrr", "controls", 1))
                    .post("/api/projects/" + p + "/rounds").then().statusCode(201);
            JsonPath reviewing = DecoyProjects.await("/api/projects/" + p + "/rounds/1", "state",
                    List.of("reviewing", "failed"));
            assertEquals("reviewing", reviewing.getString("state"), reviewing.getString("error"));
            byte[] site = new byte[31];
            site[30] = 1;
            for (int i = 0; i < 20; i++) {
                JsonPath next = Api.as("tabular-round-expert").post("/api/projects/" + p + "/review/next?modelId=" + parent
                        + "&split=train").then().statusCode(200).extract().jsonPath();
                long sample = next.getLong("sampleId");
                Api.as("tabular-round-expert").contentType(ContentType.JSON).body(Map.of("kind", "shortcut",
                                "mask", Base64.getEncoder().encodeToString(site), "version", 0))
                        .post("/api/samples/" + sample + "/annotations").then().statusCode(201);
                Api.as("tabular-round-expert").contentType(ContentType.JSON).body(Map.of(
                        "saliencyMapId", next.getLong("saliencyMapId"), "verdict", "reject"))
                        .post("/api/samples/" + sample + "/reviews").then().statusCode(201);
            }
            given().post("/api/projects/" + p + "/rounds/1/retrain").then().statusCode(200);
            JsonPath done = DecoyProjects.await("/api/projects/" + p + "/rounds/1", "state", List.of("done", "failed"));
            assertEquals("done", done.getString("state"), done.getString("error"));
            double parentAccuracy = done.getDouble("parentAccuracy");
            double accuracy = done.getDouble("testAccuracy");
            List<Float> controls = done.getList("controlAccuracies", Float.class);
            System.out.printf("TABULAR ROUND parent %.4f, retrained %.4f, control %s, masks %d, verdict %s%n",
                    parentAccuracy, accuracy, controls, done.getInt("masks"), done.getString("verdictText"));
            assertEquals(20, done.getInt("masks"));
            assertEquals(1, controls.size());
            // measured: parent 0.899, retrained 0.982, control 0.929 (site held against every row, λ 10; with the
            // 20 marked rows alone repeated in every batch, session 12: 0.970)
            assertTrue(accuracy > controls.get(0) + 0.01, "retrained " + accuracy + " vs control " + controls);
            assertTrue(accuracy > parentAccuracy + 0.02, "retrained " + accuracy + " vs parent " + parentAccuracy);
            assertEquals("better", done.getString("verdict"));
        } finally {
            pool.stop();
        }
    }
}
