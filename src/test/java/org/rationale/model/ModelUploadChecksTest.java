package org.rationale.model;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.path.json.config.JsonPathConfig;
import io.restassured.path.json.config.JsonPathConfig.NumberReturnType;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.rationale.testing.Api;
import org.rationale.testing.PostgresTestResource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the upload check tells an outside user about a model it refuses (the small models of
 * {@code src/test/python/make_upload_fixtures.py}), and how parameters and predictions are stored.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class ModelUploadChecksTest {

    private static final String OCTETS = "application/octet-stream";

    private static byte[] fixture(String name) {
        try (InputStream in = ModelUploadChecksTest.class.getResourceAsStream("/fixtures/models/" + name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static RequestSpecification upload(String file, String spec) {
        return given().multiPart("model", file, fixture(file), OCTETS).multiPart("spec", spec);
    }

    private static int versions(long project) {
        return given().get("/api/projects/" + project + "/models").then().extract().jsonPath().getList("$").size();
    }

    @Inject
    ModelService models;

    /**
     * The check runs a model (minutes for a large one on a busy host): it must hold no transaction,
     * which would tie up a connection and time out into a 500. A caller inside one is refused before
     * anything runs or is stored; an upload from outside checks and stores.
     */
    @Test
    void theUploadCheckNeverRunsInsideATransaction() {
        long p = Api.newProject("outside");
        InputSpec spec = ModelService.parseSpec(Api.modelSpec("bn", 28, 10));
        byte[] model = fixture("batchnorm-eval.pt");
        RuntimeException e = assertThrows(RuntimeException.class, () -> QuarkusTransaction.requiringNew()
                .run(() -> models.upload(p, spec, model, null, null)));
        Throwable cause = e;
        while (!(cause instanceof IllegalStateException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        assertTrue(String.valueOf(cause.getMessage()).contains("must not hold a transaction"), e.toString());
        assertEquals(0, versions(p));
        upload("batchnorm-eval.pt", Api.modelSpec("bn", 28, 10)).post("/api/projects/" + p + "/models").then()
                .statusCode(201).body("version", equalTo(1));
        assertEquals(1, versions(p));
    }

    @Test
    void modelTracedInTrainModeIsRefusedNamingModelEval() {
        long p = Api.newProject("train mode");
        upload("batchnorm-train.pt", Api.modelSpec("bn", 28, 10)).post("/api/projects/" + p + "/models").then()
                .statusCode(422).contentType(ContentType.JSON)
                .body("detail", allOf(containsString("depend on the other images in the batch"),
                        containsString("call model.eval() before torch.jit.trace")));
        assertEquals(0, versions(p));
        upload("batchnorm-eval.pt", Api.modelSpec("bn", 28, 10)).post("/api/projects/" + p + "/models").then()
                .statusCode(201);
    }

    @Test
    void stateDictIsNotTorchScriptAndTheAnswerShowsHowToExport() {
        long p = Api.newProject("pth");
        upload("state-dict.pth", Api.modelSpec("sd", 28, 10)).post("/api/projects/" + p + "/models").then()
                .statusCode(422)
                .body("detail", allOf(containsString("not TorchScript"), containsString("torch.jit.trace"),
                        containsString("torch.jit.script"), containsString("traced.save("),
                        not(containsString("constants.pkl")), not(containsString("PytorchStreamReader"))));
        assertEquals(0, versions(p));
    }

    @Test
    void channelMismatchGivesTheEnginesReasonWithoutTraceback() {
        long p = Api.newProject("channels");
        String detail = upload("rgb.pt", Api.modelSpec("rgb", 28, 10)).post("/api/projects/" + p + "/models").then()
                .statusCode(422).extract().jsonPath().getString("detail");
        assertEquals(true, detail.contains("to have 3 channels, but got 1 channels instead"), detail);
        for (String noise : List.of("TorchScript interpreter", "Traceback", "RuntimeError", "Exception", "\n  File")) {
            assertEquals(false, detail.contains(noise), noise + " in: " + detail);
        }
    }

    @Test
    void classNamesThatDifferFromTheProjectsAreRefusedListingBoth() {
        long p = Api.newProject("class names");
        Api.importIdx(p, 4, "train"); // the project's classes: 0, 1, 2, 3
        String wrong = Api.modelSpec("cnn", 28, 10).replace("\"0\",\"1\"", "\"cat\",\"dog\"");
        String detail = upload("batchnorm-eval.pt", wrong).post("/api/projects/" + p + "/models").then()
                .statusCode(400).body("error", equalTo("Class names differ from the project's"))
                .extract().jsonPath().getString("detail");
        assertEquals(true, detail.contains("[cat, dog, 2, 3, 4, 5, 6, 7, 8, 9]") && detail.contains("[0, 1, 2, 3]"),
                detail);
        assertEquals(0, versions(p));
        // the project's classes first, in order, then classes it has no samples of yet: accepted
        upload("batchnorm-eval.pt", Api.modelSpec("cnn", 28, 10)).post("/api/projects/" + p + "/models").then()
                .statusCode(201);
    }

    @Test
    void unknownFitIsRefusedAndTheChosenFitIsShownWithTheVersion() {
        long p = Api.newProject("fit");
        upload("batchnorm-eval.pt", Api.modelSpec("cnn", 28, 10).replace("}", ",\"fit\":\"squash\"}"))
                .post("/api/projects/" + p + "/models").then().statusCode(400)
                .body("detail", containsString("fit must be center-crop, resize or pad"));
        long pad = upload("batchnorm-eval.pt", Api.modelSpec("cnn", 28, 10)
                .replace("}", ",\"fit\":\"pad\",\"interpolation\":\"nearest\"}"))
                .post("/api/projects/" + p + "/models").then().statusCode(201)
                .body("fit", equalTo("pad")).body("interpolation", equalTo("nearest"))
                .body("spec.fit", equalTo("pad")).extract().jsonPath().getLong("id");
        given().get("/api/models/" + pad).then().body("fit", equalTo("pad")).body("interpolation", equalTo("nearest"));
        long defaults = upload("batchnorm-eval.pt", Api.modelSpec("cnn", 28, 10)).post("/api/projects/" + p + "/models")
                .then().statusCode(201).extract().jsonPath().getLong("id");
        given().get("/api/models/" + defaults).then().body("fit", equalTo("center-crop"))
                .body("interpolation", equalTo("bilinear"));
    }

    @Test
    void occlusionWindowLargerThanTheImageIsStoredAndAnsweredAsTheWindowUsed() {
        long p = Api.newProject("clamp");
        Api.importIdx(p, 2, "train");
        long model = Api.uploadFixtureCnn(p);
        long sample = given().get("/api/projects/" + p + "/samples").then().extract().jsonPath().getLong("items[0].id");
        String query = "/api/samples/" + sample + "/saliency?method=occlusion&window=300&stride=14&modelId=" + model;
        given().post(query).then().statusCode(200).body("params.window", equalTo("28"));
        given().get(query).then().statusCode(200).body("params.window", equalTo("28"));
        given().get("/api/samples/" + sample + "/saliency?method=occlusion&window=28&stride=14&modelId=" + model)
                .then().statusCode(200).body("params.window", equalTo("28"));
    }

    /** The probabilities of a prediction as the JSON has them, in double precision. */
    private static List<Double> doubles(String json) {
        return JsonPath.from(json).using(JsonPathConfig.jsonPathConfig().numberReturnType(NumberReturnType.DOUBLE))
                .getList("probabilities", Double.class);
    }

    @Test
    void getPredictionsAnswersTheStoredPrediction() {
        long p = Api.newProject("stored prediction");
        Api.importIdx(p, 2, "train");
        long model = Api.uploadFixtureCnn(p);
        long sample = given().get("/api/projects/" + p + "/samples").then().extract().jsonPath().getLong("items[0].id");
        String url = "/api/samples/" + sample + "/predictions?modelId=" + model;
        // nothing stored yet: computed in double precision for the answer (and not stored)
        List<Double> computed = doubles(given().get(url).then().statusCode(200).extract().asString());
        assertNotEquals(true, computed.stream().allMatch(v -> v == (double) (float) (double) v),
                "a fresh softmax in double precision is not float-exact");
        // a map stores the prediction (as real[]); the GET answers that row, float-exact
        given().post("/api/samples/" + sample + "/saliency?method=vanilla-gradient&modelId=" + model).then()
                .statusCode(200);
        List<Double> probabilities = doubles(given().get(url).then().statusCode(200).body("probabilities", hasSize(10))
                .extract().asString());
        for (int i = 0; i < probabilities.size(); i++) {
            double v = probabilities.get(i);
            assertEquals((double) (float) v, v, "probability " + i + " is the stored real");
            assertEquals(computed.get(i), v, 1e-6);
        }
    }
}
