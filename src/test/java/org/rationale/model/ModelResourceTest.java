package org.rationale.model;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;
import org.rationale.saliency.ReferenceFixtures;
import org.rationale.testing.Api;
import org.rationale.testing.Fixtures;
import org.rationale.testing.PostgresTestResource;

import java.nio.ByteBuffer;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class ModelResourceTest {

    static final String OCTETS = "application/octet-stream";

    static RequestSpecification cnnUpload(String spec) {
        return given().multiPart("model", "cnn.pt", ReferenceFixtures.bytes("cnn.pt"), OCTETS)
                .multiPart("features", "f.pt", ReferenceFixtures.bytes("cnn-features.pt"), OCTETS)
                .multiPart("classifier", "c.pt", ReferenceFixtures.bytes("cnn-classifier.pt"), OCTETS)
                .multiPart("spec", spec);
    }

    private static void assertRejected(long project, RequestSpecification spec, int status, String error) {
        int before = given().get("/api/projects/" + project + "/models").then().extract().jsonPath().getList("$").size();
        spec.post("/api/projects/" + project + "/models").then().statusCode(status).contentType(ContentType.JSON)
                .body("error", startsWith(error));
        given().get("/api/projects/" + project + "/models").then().body("$", hasSize(before));
    }

    @Test
    void uploadsTorchScriptWithSplitAndCountsVersions() {
        long p = Api.newProject("models");
        long first = Api.uploadFixtureCnn(p);
        given().get("/api/models/" + first).then().statusCode(200)
                .body("name", equalTo("fixture-cnn")).body("version", equalTo(1)).body("supportsCam", equalTo(true))
                .body("spec.classes", hasSize(10)).body("sha256.length()", equalTo(64)).body("origin", equalTo("uploaded"));
        given().multiPart("model", "linear.pt", ReferenceFixtures.bytes("linear.pt"), OCTETS)
                .multiPart("spec", Api.modelSpec("fixture-cnn", 28, 10))
                .post("/api/projects/" + p + "/models").then().statusCode(201)
                .body("version", equalTo(2)).body("supportsCam", equalTo(false))
                // a project without samples: nothing to measure the model on
                .body("$", not(hasKey("heldOut")));
        given().get("/api/projects/" + p + "/models").then().body("$", hasSize(2));
    }

    @Test
    void anUploadAnswersItsAccuracyOnTheTestImagesBesideTheCommonestClassAndAConstantAnswerIsNoBetter() {
        // labels i % 10 of 12 images: classes 0 and 1 twice each, the rest once
        long p = Api.newProject("held out");
        Api.importIdx(p, 12, "test");
        given().multiPart("model", "c.pt", ReferenceFixtures.model("constant-class-1.pt"), OCTETS)
                .multiPart("spec", Api.modelSpec("constant", 28, 10)).post("/api/projects/" + p + "/models").then()
                .statusCode(201).body("heldOut.split", equalTo("test")).body("heldOut.samples", equalTo(12))
                .body("heldOut.correct", equalTo(2)).body("heldOut.accuracy", equalTo((float) (2.0 / 12)))
                .body("heldOut.majorityShare", equalTo((float) (2.0 / 12)));
        // 250 images of class 0 then 50 of class 1, as an archive arrives (class by class): measured on a draw
        // across the split, not its first 200 (all of class 0, where every model would look no better)
        long sorted = Api.newProject("held out sorted");
        byte[] labels = new byte[8 + 300];
        ByteBuffer.wrap(labels).putInt(0x801).putInt(300);
        for (int i = 250; i < 300; i++) {
            labels[8 + i] = 1;
        }
        given().multiPart("images", "i.idx", Fixtures.idxImages(300, 28, 28), OCTETS)
                .multiPart("labels", "l.idx", labels, OCTETS).multiPart("split", "test")
                .post("/api/projects/" + sorted + "/datasets").then().statusCode(201);
        var held = given().multiPart("model", "c.pt", ReferenceFixtures.model("constant-class-1.pt"), OCTETS)
                .multiPart("spec", Api.modelSpec("constant", 28, 10)).post("/api/projects/" + sorted + "/models")
                .then().statusCode(201).body("heldOut.samples", equalTo(200)).body("heldOut.classes", equalTo(2))
                .extract().jsonPath();
        int correct = held.getInt("heldOut.correct");
        assertTrue(correct > 10 && correct < 60, "about a sixth of 200 drawn are of class 1: " + correct);
        assertEquals((200 - correct) / 200.0, held.getDouble("heldOut.majorityShare"), 1e-6);
        // skipped when asked; anything but true or false is a 400 and stores nothing
        given().multiPart("model", "c.pt", ReferenceFixtures.model("constant-class-1.pt"), OCTETS)
                .multiPart("spec", Api.modelSpec("constant", 28, 10))
                .post("/api/projects/" + p + "/models?heldOut=false").then().statusCode(201)
                .body("$", not(hasKey("heldOut")));
        assertRejected(p, given().multiPart("model", "c.pt", ReferenceFixtures.model("constant-class-1.pt"), OCTETS)
                .multiPart("spec", Api.modelSpec("constant", 28, 10)).queryParam("heldOut", "yes"), 400,
                "Invalid heldOut");
        // without a test split, the training images
        long q = Api.newProject("held out train");
        Api.importIdx(q, 10, "train");
        given().multiPart("model", "c.pt", ReferenceFixtures.model("constant-class-1.pt"), OCTETS)
                .multiPart("spec", Api.modelSpec("constant", 28, 10)).post("/api/projects/" + q + "/models").then()
                .statusCode(201).body("heldOut.split", equalTo("train")).body("heldOut.samples", equalTo(10))
                .body("heldOut.correct", equalTo(1));
    }

    @Test
    void rejectsFileThatIsNotTorchScript() {
        long p = Api.newProject("not torchscript");
        assertRejected(p, given().multiPart("model", "x.pt", "definitely not a model".getBytes(), OCTETS)
                .multiPart("spec", Api.modelSpec("m", 28, 10)), 422, "Model failed");
    }

    @Test
    void rejectsClassCountThatDoesNotMatchTheOutput() {
        long p = Api.newProject("classes");
        assertRejected(p, cnnUpload(Api.modelSpec("m", 28, 5)), 422, "Model failed");
        cnnUpload(Api.modelSpec("m", 28, 5)).post("/api/projects/" + p + "/models").then()
                .body("detail", containsString("(2, 10)"));
    }

    @Test
    void rejectsInputShapeTheModelCannotTake() {
        long p = Api.newProject("shape");
        assertRejected(p, cnnUpload(Api.modelSpec("m", 32, 10)), 422, "Model failed");
    }

    @Test
    void rejectsSplitThatIsNotTheSameNetwork() {
        long p = Api.newProject("split");
        assertRejected(p, given().multiPart("model", "smooth.pt", ReferenceFixtures.bytes("smooth.pt"), OCTETS)
                .multiPart("features", "f.pt", ReferenceFixtures.bytes("cnn-features.pt"), OCTETS)
                .multiPart("classifier", "c.pt", ReferenceFixtures.bytes("cnn-classifier.pt"), OCTETS)
                .multiPart("spec", Api.modelSpec("m", 28, 10)), 422, "Model failed");
    }

    @Test
    void rejectsBadSpecAndMissingParts() {
        long p = Api.newProject("spec");
        assertRejected(p, given().multiPart("model", "cnn.pt", ReferenceFixtures.bytes("cnn.pt"), OCTETS)
                .multiPart("spec", "{\"name\": "), 400, "Invalid model spec");
        assertRejected(p, given().multiPart("model", "cnn.pt", ReferenceFixtures.bytes("cnn.pt"), OCTETS)
                .multiPart("spec", Api.modelSpec("m", 28, 10).replace("\"std\":[1.0]", "\"std\":[0.0]")), 400, "Invalid model spec");
        assertRejected(p, given().multiPart("model", "cnn.pt", ReferenceFixtures.bytes("cnn.pt"), OCTETS), 400,
                "Missing model spec");
        assertRejected(p, given().multiPart("spec", Api.modelSpec("m", 28, 10)), 400, "Missing model file");
        assertRejected(p, given().multiPart("model", "cnn.pt", ReferenceFixtures.bytes("cnn.pt"), OCTETS)
                .multiPart("features", "f.pt", ReferenceFixtures.bytes("cnn-features.pt"), OCTETS)
                .multiPart("spec", Api.modelSpec("m", 28, 10)), 400, "Incomplete model split");
    }

    @Test
    void unknownModelAndProjectAre404() {
        given().get("/api/models/987654321").then().statusCode(404).body("error", equalTo("Model 987654321 not found"));
        cnnUpload(Api.modelSpec("m", 28, 10)).post("/api/projects/987654321/models").then().statusCode(404);
    }
}
