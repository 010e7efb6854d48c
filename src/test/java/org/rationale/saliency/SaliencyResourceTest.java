package org.rationale.saliency;

import jakarta.inject.Inject;
import java.awt.image.BufferedImage;
import org.hamcrest.Matchers;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rationale.testing.Api;
import org.rationale.testing.Fixtures;
import org.rationale.testing.PostgresTestResource;

import io.restassured.response.ValidatableResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class SaliencyResourceTest {

    @Inject
    QualityCurves curves;

    private long project;
    private long model;
    private long sample;

    @BeforeEach
    void projectWithSamplesAndModel() {
        project = Api.newProject("saliency");
        Api.importIdx(project, 3, "test");
        sample = given().get("/api/projects/" + project + "/samples").then().extract().jsonPath().getLong("items[1].id");
        model = Api.uploadFixtureCnn(project);
    }

    private String url(String query) {
        return "/api/samples/" + sample + "/saliency?modelId=" + model + "&" + query;
    }

    @Test
    void predictionHasProbabilitiesThatSumToOne() {
        JsonPath p = given().get("/api/samples/" + sample + "/predictions?modelId=" + model).then().statusCode(200)
                .body("probabilities", hasSize(10)).extract().jsonPath();
        double sum = p.getList("probabilities", Double.class).stream().mapToDouble(Double::doubleValue).sum();
        assertEquals(1.0, sum, 1e-5);
        assertEquals(p.getInt("predictedLabel"), indexOfMax(p.getList("probabilities", Double.class)));
        assertTrue(p.getDouble("entropy") > 0);
    }

    @Test
    void everyMethodReturnsAMapOfTheInputShapeStoredOnce() {
        for (String method : List.of("vanilla-gradient", "gradient-x-input", "smoothgrad&samples=3",
                "integrated-gradients&steps=16", "grad-cam", "grad-cam-plus-plus", "occlusion&window=7&stride=7",
                "rise&samples=50")) {
            JsonPath first = given().post(url("method=" + method + "&target=label")).then().statusCode(200)
                    .body("shape", equalTo(List.of(1, 28, 28))).body("values", hasSize(784))
                    .body("targetClass", equalTo(1)).body("storedBytes", equalTo(784 * 2))
                    .extract().jsonPath();
            JsonPath again = given().get(url("method=" + method + "&target=label")).then().statusCode(200).extract().jsonPath();
            assertEquals(first.getLong("id"), again.getLong("id"), method + " stored twice");
            List<Float> a = first.getList("values", Float.class);
            List<Float> b = again.getList("values", Float.class);
            for (int i = 0; i < a.size(); i++) {
                // the second answer comes from float16 storage
                assertEquals(a.get(i), b.get(i), Math.abs(a.get(i)) * 1e-3 + 1e-7, method + " value " + i);
            }
        }
        // the curves follow in the background
        curvesComputed(url("method=integrated-gradients&steps=16&target=label"))
                .body("metrics.completenessGap", Matchers.notNullValue())
                .body("metrics.deletionAuc", Matchers.notNullValue())
                .body("metrics.insertionAuc", Matchers.notNullValue());
    }

    /** GETs the map until its curves are computed (at most 2 minutes: the background may be busy with other maps). */
    private static ValidatableResponse curvesComputed(String url) {
        long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (true) {
            ValidatableResponse r = given().get(url).then().statusCode(200);
            String state = r.extract().jsonPath().getString("curves");
            if (state.equals("computed") || System.nanoTime() > until) {
                return r.body("curves", equalTo("computed"));
            }
            assertEquals("pending", state, "curves of a map whose POST queued them");
            sleep(100);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void postAnswersTheMapWithoutWaitingForItsCurvesAndALaterGetHasThem() {
        JsonPath posted = given().post(url("method=gradient-x-input")).then().statusCode(200)
                .body("curves", equalTo("pending")).body("metrics.deletionAuc", Matchers.nullValue())
                .body("values", hasSize(784)).extract().jsonPath();
        JsonPath read = curvesComputed(url("method=gradient-x-input")).extract().jsonPath();
        assertEquals(posted.getLong("id"), read.getLong("id"));
        double deletion = read.getDouble("metrics.deletionAuc");
        double insertion = read.getDouble("metrics.insertionAuc");
        assertTrue(deletion >= 0 && deletion <= 1, "deletion AUC " + deletion);
        assertTrue(insertion >= 0 && insertion <= 1, "insertion AUC " + insertion);
        // the map's other metrics are kept beside the curves
        assertEquals(posted.getDouble("metrics.sum"), read.getDouble("metrics.sum"), 1e-9);
        // asked again: answered with them, nothing queued
        given().post(url("method=gradient-x-input")).then().statusCode(200).body("curves", equalTo("computed"))
                .body("metrics.deletionAuc", equalTo((float) deletion));
    }

    @Test
    void curvesAskedForTwiceAtOnceAreComputedOnce() throws Exception {
        long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!curves.idle() && System.nanoTime() < until) {
            sleep(100);
        }
        assertTrue(curves.idle(), "the background still computes other maps' curves");
        long before = curves.computed();
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            List<Future<JsonPath>> answers = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                answers.add(two.submit(() -> given().post(url("method=vanilla-gradient&curves=true")).then()
                        .statusCode(200).body("curves", equalTo("computed")).extract().jsonPath()));
            }
            JsonPath a = answers.get(0).get(2, TimeUnit.MINUTES);
            JsonPath b = answers.get(1).get(2, TimeUnit.MINUTES);
            assertEquals(a.getLong("id"), b.getLong("id"));
            assertEquals(a.getDouble("metrics.deletionAuc"), b.getDouble("metrics.deletionAuc"));
        } finally {
            two.shutdown();
        }
        assertEquals(before + 1, curves.computed());
    }

    @Test
    void curvesFalseNeitherComputesNorQueuesThem() {
        given().post(url("method=smoothgrad&samples=2&curves=false")).then().statusCode(200)
                .body("curves", equalTo("none")).body("metrics.deletionAuc", Matchers.nullValue());
        given().get(url("method=smoothgrad&samples=2")).then().statusCode(200).body("curves", equalTo("none"));
    }

    @Test
    void overlayIsAPngOfTheZoomedImage() {
        given().post(url("method=vanilla-gradient")).then().statusCode(200);
        byte[] png = given().get("/api/samples/" + sample + "/saliency.png?modelId=" + model
                + "&method=vanilla-gradient&opacity=0.5&zoom=4").then().statusCode(200).contentType("image/png")
                .extract().asByteArray();
        BufferedImage img = Fixtures.decode(png);
        assertEquals(112, img.getWidth());
        assertEquals(112, img.getHeight());
        given().get("/api/samples/" + sample + "/saliency.png?modelId=" + model + "&method=vanilla-gradient&opacity=2")
                .then().statusCode(400).body("error", equalTo("Invalid opacity '2'"));
        given().get("/api/samples/" + sample + "/saliency.png?modelId=" + model + "&method=vanilla-gradient&zoom=2.5")
                .then().statusCode(400);
    }

    @Test
    void sanityCheckPerMethodIsRunOnceAndListed() {
        given().post("/api/models/" + model + "/sanity?method=vanilla-gradient").then().statusCode(200)
                .body("method", equalTo("vanilla-gradient")).body("passed", equalTo(true))
                .body("similarityByLayer.size()", equalTo(4)).body("samples", equalTo(3));
        given().get("/api/models/" + model + "/sanity?method=vanilla-gradient").then().statusCode(200)
                .body("method", equalTo("vanilla-gradient")).body("samples", equalTo(3));
        given().get("/api/models/" + model + "/sanity").then().statusCode(200)
                .body("method", Matchers.hasItem("vanilla-gradient"));
        given().get("/api/models/" + model + "/sanity?method=lime").then().statusCode(400);
        given().get("/api/models/987654321/sanity?method=vanilla-gradient").then().statusCode(404);
    }

    @Inject
    SanityService sanity;

    @Test
    void checkAllRunsEveryApplicableMethodAndSaysWhyTheOthersCannotRun() {
        SanityService.Summary s = sanity.checkAll(model);
        assertEquals(8, s.checked());
        assertEquals(List.of("guided-backprop", "kernel-shap", "shapley-sampling"), List.copyOf(s.notRun().keySet()));
        assertTrue(s.notRun().get("guided-backprop").contains("backward hooks"));
        assertEquals("KernelSHAP attributes the features of a table model; this model takes images",
                s.notRun().get("kernel-shap"));
        given().get("/api/models/" + model + "/sanity").then().body("size()", equalTo(8));
    }

    @Test
    void sameCallWithDefaultsWrittenOutIsTheSameMap() {
        long a = given().post(url("method=integrated-gradients")).then().statusCode(200).extract().jsonPath().getLong("id");
        long b = given().get(url("method=integrated-gradients&steps=32&baseline=black&target=predicted")).then()
                .statusCode(200).extract().jsonPath().getLong("id");
        assertEquals(a, b);
    }

    @Test
    void rejectsBadRequestsWithReasons() {
        given().post(url("method=lime")).then().statusCode(400).body("error", equalTo("Unknown method 'lime'"));
        given().post(url("method=vanilla-gradient&curves=maybe")).then().statusCode(400)
                .body("error", equalTo("Invalid curves 'maybe'")).body("detail", Matchers.containsString("true"));
        given().post(url("method=integrated-gradients&steps=0")).then().statusCode(400).body("error", startsWith("Invalid steps"));
        given().post(url("method=occlusion&stepz=3")).then().statusCode(400).body("error", startsWith("Unknown parameter"));
        given().post(url("method=vanilla-gradient&target=10")).then().statusCode(400).body("error", equalTo("Invalid target 10"));
        given().post(url("method=vanilla-gradient&target=best")).then().statusCode(400);
        given().post(url("target=label")).then().statusCode(400).body("error", equalTo("Missing method"));
        given().post(url("method=guided-backprop")).then().statusCode(422).body("error", equalTo("Method not available for this model"));
        given().post(url("method=integrated-gradients&baseline=mean")).then().statusCode(400)
                .body("error", equalTo("Invalid baseline 'mean' for integrated-gradients"))
                .body("detail", startsWith("baseline 'mean' is for table models; this model takes images"));
        given().post(url("method=kernel-shap")).then().statusCode(422)
                .body("detail", equalTo("KernelSHAP attributes the features of a table model; this model takes images"));
        given().get(url("method=shapley-sampling&samples=0")).then().statusCode(422)
                .body("detail", startsWith("Shapley value sampling attributes the features of a table model"));
        given().post("/api/samples/" + sample + "/saliency?method=vanilla-gradient").then().statusCode(400)
                .body("error", equalTo("Missing modelId"));
        given().post("/api/samples/" + sample + "/saliency?method=vanilla-gradient&modelId=987654321").then().statusCode(404);
        given().post("/api/samples/987654321/saliency?method=vanilla-gradient&modelId=" + model).then().statusCode(404);
    }

    @Test
    void camMethodsExplainWhyWithoutASplitAndOtherSizesAreFittedToTheModel() {
        long wholeOnly = given().multiPart("model", "linear.pt", ReferenceFixtures.bytes("linear.pt"), "application/octet-stream")
                .multiPart("spec", Api.modelSpec("linear", 28, 10))
                .post("/api/projects/" + project + "/models").then().statusCode(201).extract().jsonPath().getLong("id");
        given().post("/api/samples/" + sample + "/saliency?method=grad-cam&modelId=" + wholeOnly).then().statusCode(422)
                .body("detail", Matchers.containsString("two traced parts"));

        given().multiPart("images", "small.idx", Fixtures.idxImages(1, 5, 5), "application/octet-stream")
                .multiPart("labels", "small-l.idx", Fixtures.idxLabels(1, 2), "application/octet-stream")
                .multiPart("split", "test").post("/api/projects/" + project + "/datasets").then().statusCode(201);
        long small = given().get("/api/projects/" + project + "/samples?offset=3").then().extract().jsonPath().getLong("items[0].id");
        // a 5×5 image reaches the 28×28 model through its fit (centre crop, bilinear); the map is on the model's grid
        given().post("/api/samples/" + small + "/saliency?method=vanilla-gradient&modelId=" + model).then().statusCode(200)
                .body("shape", Matchers.contains(1, 28, 28));
        given().get("/api/samples/" + small + "/saliency.png?method=vanilla-gradient&zoom=1&modelId=" + model).then()
                .statusCode(200).contentType("image/png");
    }

    private static int indexOfMax(List<Double> v) {
        int best = 0;
        for (int i = 1; i < v.size(); i++) {
            if (v.get(i) > v.get(best)) {
                best = i;
            }
        }
        return best;
    }
}
