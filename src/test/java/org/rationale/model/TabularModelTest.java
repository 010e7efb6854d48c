package org.rationale.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.rationale.config.Json;
import org.rationale.dataset.DatasetService;
import org.rationale.error.Invalid;
import org.rationale.dataset.Sample;
import org.rationale.explain.ExplainableModel;
import org.rationale.explain.InputBatch;
import org.rationale.explain.TabularInput;
import org.rationale.saliency.ReferenceFixtures;
import org.rationale.testing.Api;
import org.rationale.testing.DecoyProjects;
import org.rationale.testing.PostgresTestResource;
import org.rationale.testing.TableRows;
import org.rationale.testing.TabularProjects;
import org.rationale.worker.WorkerPool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tabular models end to end: the upload of a spec and a TorchScript MLP taking N×F (checked by a
 * forward pass), a stored row encoded and standardised as the model's input, and its prediction and
 * maps against PyTorch autograd ({@code src/test/python/make_tabular_mlp.py}: the model, three rows
 * and their references). Rows are stored as a CSV import stores them ({@link TableRows}).
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class TabularModelTest {

    private static final String OCTETS = "application/octet-stream";
    private static final String COLUMNS = "[{\"name\": \"age\", \"type\": \"numeric\"}, "
            + "{\"name\": \"income\", \"type\": \"numeric\"}, {\"name\": \"smoker\", \"type\": \"boolean\"}, "
            + "{\"name\": \"site\", \"type\": \"categorical\", \"categories\": [\"A\", \"B\", \"C\"]}]";
    private static final List<String> CLASSES = List.of("no", "yes");
    private static final List<String> GROUPS = List.of("age", "site", "smoker", "income");
    private static final String SPEC = TabularSpecTest.GOOD;

    @Inject
    AgroalDataSource db;

    @Inject
    ModelService models;

    @Inject
    TrainingService training;

    @Inject
    PredictionService predictions;

    @Inject
    DatasetService datasets;

    @Inject
    WorkerPool pool;

    private static byte[] fixture(String name) {
        return ReferenceFixtures.tabular(name);
    }

    private static JsonNode reference() {
        try {
            return Json.MAPPER.readTree(fixture("tabular-mlp-reference.json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A tabular project: its id, the three reference rows in train, two more rows in test. */
    private record Table(long project, List<Long> train, List<Long> test) {
    }

    private Table table(String prefix) {
        long p = TabularProjects.create(prefix);
        List<TableRows.Row> rows = new ArrayList<>();
        int[] labels = {1, 0, 0};
        JsonNode ref = reference().get("rows");
        for (int i = 0; i < ref.size(); i++) {
            try {
                rows.add(new TableRows.Row(labels[i], Json.MAPPER.writeValueAsString(ref.get(i).get("values"))));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        List<Long> train = TableRows.insert(db, p, "train", "clinic-train", COLUMNS, 4, CLASSES, rows);
        List<Long> test = TableRows.insert(db, p, "test", "clinic-test", COLUMNS, 4, CLASSES, List.of(
                new TableRows.Row(1, "{\"age\": 70, \"income\": 52000, \"smoker\": true, \"site\": \"A\"}"),
                new TableRows.Row(0, "{\"age\": 28, \"income\": 18000, \"smoker\": false, \"site\": \"C\"}")));
        return new Table(p, train, test);
    }

    private static RequestSpecification upload(String file, String spec) {
        return given().multiPart("model", file, fixture(file), OCTETS).multiPart("spec", spec);
    }

    private static long uploadMlp(long project) {
        return upload("tabular-mlp.pt", SPEC).post("/api/projects/" + project + "/models").then().statusCode(201)
                .extract().jsonPath().getLong("id");
    }

    private static int versions(long project) {
        return given().get("/api/projects/" + project + "/models").then().statusCode(200).extract().jsonPath()
                .getList("$").size();
    }

    private static float[] floats(JsonNode a) {
        float[] out = new float[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) a.get(i).asDouble();
        }
        return out;
    }

    /** The reference per column summed into the four features (site = site=A + site=B). */
    private static double[] perFeature(float[] columns) {
        int[] group = {0, 1, 1, 2, 3};
        double[] out = new double[4];
        for (int c = 0; c < columns.length; c++) {
            out[group[c]] += columns[c];
        }
        return out;
    }

    /**
     * A team's own model of rows in a round: the retraining trains the platform's MLP on the project's
     * rows with the rows' defaults (batch 32, learning rate 0.003, λ 10, 20 epochs), since the uploaded
     * version has no training settings to inherit (it once fell back to the CNN's 128 and 0.001).
     */
    @Test
    void aRoundOnAnUploadedModelOfRowsRetrainsThePlatformsMlpWithTheRowsDefaults() throws Exception {
        Table t = table("uploaded round");
        long uploaded = uploadMlp(t.project());
        pool.start(1);
        try {
            JsonPath started = given().contentType(ContentType.JSON).body(Map.of("strategy", "random", "batchSize", 2,
                    "controls", 0, "modelId", uploaded)).post("/api/projects/" + t.project() + "/rounds").then()
                    .statusCode(201).extract().jsonPath();
            assertEquals(10.0, started.getDouble("lambda"), 1e-9);
            assertEquals(20, started.getInt("epochs"));
            JsonPath reviewing = DecoyProjects.await("/api/projects/" + t.project() + "/rounds/1", "state",
                    List.of("reviewing", "failed"));
            assertEquals("reviewing", reviewing.getString("state"), reviewing.getString("error"));
            given().post("/api/projects/" + t.project() + "/rounds/1/retrain").then().statusCode(200);
            JsonPath done = DecoyProjects.await("/api/projects/" + t.project() + "/rounds/1", "state",
                    List.of("done", "failed"));
            assertEquals("done", done.getString("state"), done.getString("error"));
            assertEquals("tabular-mlp-v1", given().get("/api/models/" + done.getLong("trainedModelId")).then()
                    .statusCode(200).extract().jsonPath().getString("kind"));
            JsonPath job = given().get("/api/jobs/" + done.getLong("trainingJobId")).then().statusCode(200)
                    .extract().jsonPath();
            assertEquals(32, job.getInt("parameters.batchSize"), job.prettify());
            assertEquals(0.003, job.getDouble("parameters.learningRate"), 1e-9);
            assertEquals(20, job.getInt("parameters.epochs"));
        } finally {
            pool.stop();
        }
    }

    @Test
    void aSpecStandardisedOnTheTrainingRowsTakesEachFeaturesMeanAndPopulationStd() {
        long p = TabularProjects.create("standardised upload");
        // age 20, 30, 40, 50; site B, A, B, C; one smoker; income constant (std 1, not 0)
        TableRows.insert(db, p, "train", "train", COLUMNS, 4, CLASSES, List.of(
                new TableRows.Row(0, "{\"age\": 20, \"income\": 1000, \"smoker\": true, \"site\": \"B\"}"),
                new TableRows.Row(1, "{\"age\": 30, \"income\": 1000, \"smoker\": false, \"site\": \"A\"}"),
                new TableRows.Row(0, "{\"age\": 40, \"income\": 1000, \"smoker\": false, \"site\": \"B\"}"),
                new TableRows.Row(1, "{\"age\": 50, \"income\": 1000, \"smoker\": false, \"site\": \"C\"}")));
        // test rows do not count
        TableRows.insert(db, p, "test", "test", COLUMNS, 4, CLASSES, List.of(
                new TableRows.Row(0, "{\"age\": 900, \"income\": 5, \"smoker\": true, \"site\": \"A\"}")));
        TabularSpec s = training.standardisedOnTraining(p, "m", List.of("age", "site=B", "smoker", "income"));
        assertEquals(List.of("age", "site=B", "smoker", "income"), s.features());
        assertEquals(CLASSES, s.classes());
        assertEquals(List.of(35.0, 0.5, 0.25, 1000.0), s.mean());
        double[] std = s.std().stream().mapToDouble(Double::doubleValue).toArray();
        assertArrayEquals(new double[] {Math.sqrt(125), 0.5, Math.sqrt(0.1875), 1.0}, std, 1e-9);

        Invalid unknown = assertThrows(Invalid.class,
                () -> training.standardisedOnTraining(p, "m", List.of("age", "height")));
        assertTrue(unknown.detail().contains("'height' is not a column"), unknown.detail());
        long onlyTest = TabularProjects.create("standardised no train");
        TableRows.insert(db, onlyTest, "test", "test", COLUMNS, 4, CLASSES, List.of(
                new TableRows.Row(0, "{\"age\": 20, \"income\": 1000, \"smoker\": true, \"site\": \"B\"}")));
        Invalid none = assertThrows(Invalid.class, () -> training.standardisedOnTraining(onlyTest, "m", List.of("age")));
        assertEquals("No training rows", none.error());
    }

    @Test
    void aGoodSpecAndModelAreStoredAsATabularVersion() {
        Table t = table("tabular upload");
        long id = upload("tabular-mlp.pt", SPEC).post("/api/projects/" + t.project() + "/models").then()
                .statusCode(201).body("modality", equalTo("tabular")).body("kind", equalTo("torchscript"))
                .body("spec.features", equalTo(List.of("age", "site=A", "site=B", "smoker", "income")))
                .body("spec.classes", equalTo(CLASSES)).body("fit", nullValue()).body("supportsCam", equalTo(false))
                .extract().jsonPath().getLong("id");
        assertEquals(1, versions(t.project()));
        given().get("/api/models/" + id).then().statusCode(200).body("spec.std[4]", equalTo(10000.0f))
                .body("modality", equalTo("tabular"));
        given().get("/api/projects/" + t.project() + "/models/current").then().body("id", equalTo((int) id));
    }

    @Test
    void anUploadAnswersItsAccuracyOnTheTestRowsAndAFeatureOrderTheModelDoesNotReadScoresNoBetterThanTheCommonestClass() {
        // the model answers "yes" when its first input is above its mean: age 70 (yes) and 28 (no) in test
        Table t = table("tabular held out");
        upload("tabular-first-feature.pt", SPEC).post("/api/projects/" + t.project() + "/models").then().statusCode(201)
                .body("heldOut.split", equalTo("test")).body("heldOut.samples", equalTo(2))
                .body("heldOut.correct", equalTo(2)).body("heldOut.accuracy", equalTo(1.0f))
                .body("heldOut.majorityShare", equalTo(0.5f));
        // the same model listed as reading site=B first: both test rows (sites A and C) read as "no"
        String shuffled = "{\"name\": \"shuffled\", \"features\": [\"site=B\", \"site=A\", \"age\", \"smoker\", "
                + "\"income\"], \"classes\": [\"no\", \"yes\"], \"mean\": [0.4, 0.3, 50, 0.5, 30000], "
                + "\"std\": [0.5, 0.5, 10, 0.5, 10000]}";
        long id = upload("tabular-first-feature.pt", shuffled).post("/api/projects/" + t.project() + "/models").then()
                .statusCode(201).body("heldOut.correct", equalTo(1)).body("heldOut.accuracy", equalTo(0.5f))
                .extract().jsonPath().getLong("id");
        ModelVersion v = models.find(id).orElseThrow();
        assertTrue(predictions.heldOutAccuracy(v, 1000).orElseThrow().noBetterThanMajority());
        // measured, not stored: no prediction of the test rows was written, and a listing has no heldOut
        assertEquals(0, predictions.storedLabel(t.test().get(0), id).map(x -> 1).orElse(0));
        given().get("/api/projects/" + t.project() + "/models").then().statusCode(200)
                .body("findAll { it.containsKey('heldOut') }", hasSize(0));
    }

    @Test
    void eachBadSpecIsRefusedNamingItsFieldAndNothingIsStored() {
        Table t = table("tabular bad specs");
        String p = "/api/projects/" + t.project() + "/models";
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put(SPEC.replace("[\"age\", \"site=A\", \"site=B\", \"smoker\", \"income\"]", "[]"), "features is empty");
        cases.put(SPEC.replace("\"site=B\", \"smoker\"", "\"site=B\", \"age\""), "features lists 'age' more than once");
        cases.put(SPEC.replace("[50, 0.3, 0.4, 0.5, 30000]", "[50, 0.3, 0.4, 0.5]"), "mean has 4 values for 5 features");
        cases.put(SPEC.replace("[10, 0.5, 0.5", "[10, 0, 0.5"), "std[1] of 'site=A' is 0.0");
        cases.put(SPEC.replace("[50, 0.3", "[1e999, 0.3"), "mean[0] of 'age' is Infinity");
        cases.put(SPEC.replace("\"age\", \"site=A\"", "\"height\", \"site=A\""), "'height' is not a column");
        cases.put(SPEC.replace("\"site=B\", \"smoker\"", "\"site=D\", \"smoker\""), "column site has no category 'D'");
        cases.put(SPEC.replace("[\"no\", \"yes\"]", "[\"yes\", \"no\"]"), "The spec's classes are [yes, no] but project");
        cases.put(SPEC.replace("\"name\": \"mlp\", ", "\"name\": \"mlp\", \"channels\": 1, "), "channels belongs to an "
                + "image model's spec, but this project holds table rows");
        cases.put(Api.modelSpec("cnn", 28, 2), "channels, height, width, scale belong to an image model's spec");
        cases.put(SPEC.replace("\"name\": \"mlp\"", "\"name\": \"m\\u0001lp\""), "name holds a control character");
        cases.forEach((spec, expected) -> upload("tabular-mlp.pt", spec).post(p).then().statusCode(400)
                .contentType(ContentType.JSON).body("detail", containsString(expected)));
        given().multiPart("model", "m.pt", fixture("tabular-mlp.pt"), OCTETS)
                .multiPart("features", "f.pt", fixture("tabular-mlp.pt"), OCTETS)
                .multiPart("classifier", "c.pt", fixture("tabular-mlp.pt"), OCTETS).multiPart("spec", SPEC).post(p)
                .then().statusCode(400).body("detail", containsString("A tabular model is uploaded whole"));
        assertEquals(0, versions(t.project()));
    }

    @Test
    void aSpecOverTheFormFieldLimitIsA413SayingToSendItAsAFile() {
        Table t = table("tabular long spec");
        // 5 features named in 70,000 characters: over the 64K a form field sent as text may hold
        String longSpec = SPEC.replace("\"name\": \"mlp\"", "\"name\": \"" + "m".repeat(70_000) + "\"");
        upload("tabular-mlp.pt", longSpec).post("/api/projects/" + t.project() + "/models").then().statusCode(413)
                .contentType(ContentType.JSON).body("error", equalTo("Upload too large"))
                .body("detail", containsString("A form field sent as text is over 64K"))
                .body("detail", containsString("-F spec=@spec.json"));
        assertEquals(0, versions(t.project()));
    }

    @Test
    void aTabularSpecOnAnImagesProjectIsRefused() {
        long images = Api.newProject("images, not rows");
        upload("tabular-mlp.pt", SPEC).post("/api/projects/" + images + "/models").then().statusCode(400)
                .body("detail", containsString("features belongs to a tabular model's spec, but this project holds images"));
        assertEquals(0, versions(images));
    }

    @Test
    void modelsThatDoNotAnswerRowsOfTheSpecsWidthAreRefusedSayingWhatTheyAnswered() {
        Table t = table("tabular wrong models");
        String p = "/api/projects/" + t.project() + "/models";
        String width = upload("tabular-mlp-width4.pt", SPEC).post(p).then().statusCode(422).extract().jsonPath()
                .getString("detail");
        assertTrue(width.contains("3x5 (3 rows of 5 features)") && width.contains("The spec lists 5 features: the "
                + "model must take N×5 float32"), width);
        upload("tabular-mlp-3out.pt", SPEC).post(p).then().statusCode(422).body("detail",
                containsString("For a batch of 3 rows the model returns (3, 3); the spec's 2 classes need (3, 2)"));
        upload("tabular-mlp-nan.pt", SPEC).post(p).then().statusCode(422).body("detail",
                containsString("The model returns NaN for class 'no' on the mean row"));
        // a tuple (logits, hidden layer): only its first tensor would ever be read
        upload("tabular-mlp-tuple.pt", SPEC).post(p).then().statusCode(422).body("detail",
                containsString("The model returns 2 outputs (a tuple or list); it must return one tensor of class scores"));
        // the export example said only torch.rand(1, 3, 224, 224), an image's input
        given().multiPart("model", "m.pt", "not a model".getBytes(StandardCharsets.UTF_8), OCTETS).multiPart("spec", SPEC)
                .post(p).then().statusCode(422).body("detail", containsString("is not a TorchScript model"))
                .body("detail", containsString("a table model: torch.rand(1, F), F its input columns"));
        assertEquals(0, versions(t.project()));
    }

    @Test
    void aRowOnWhichTheModelAnswersNaNHasNoPredictionButA422() {
        Table t = table("tabular nan far");
        long far = TableRows.insert(db, t.project(), "test", "clinic-far", COLUMNS, 4, CLASSES, List.of(
                new TableRows.Row(1, "{\"age\": 1000, \"income\": 52000, \"smoker\": true, \"site\": \"A\"}"))).get(0);
        // NaN only where the standardised age is over 50: the upload's check rows pass
        long id = upload("tabular-mlp-nan-far.pt", SPEC).post("/api/projects/" + t.project() + "/models").then()
                .statusCode(201).extract().jsonPath().getLong("id");
        given().queryParam("modelId", id).get("/api/samples/" + t.test().get(0) + "/predictions").then().statusCode(200)
                .body("predictedClass", equalTo("yes"));
        given().queryParam("modelId", id).get("/api/samples/" + far + "/predictions").then().statusCode(422)
                .body("error", equalTo("The model gave no prediction"))
                .body("detail", containsString("answers NaN for class 'no' on sample " + far));
        // a map of the row neither: a 422 (it was a 503 "try again" after four attempts), and no prediction is stored
        for (String method : List.of("vanilla-gradient", "kernel-shap")) {
            given().queryParam("modelId", id).queryParam("method", method).post("/api/samples/" + far + "/saliency")
                    .then().statusCode(422).body("error", equalTo("The model gave no prediction"));
        }
        given().queryParam("modelId", id).get("/api/samples/" + far + "/predictions").then().statusCode(422);
        // nor does a batch (a job's forward pass) store one
        predictions.storeAll(List.of(datasets.sample(far).orElseThrow()), new float[] {Float.NaN, Float.NaN},
                models.find(id).orElseThrow());
        given().queryParam("modelId", id).get("/api/samples/" + far + "/predictions").then().statusCode(422);
    }

    @Test
    void aRowIsEncodedAndPredictedAsPyTorchDoes() {
        Table t = table("tabular predictions");
        long id = uploadMlp(t.project());
        ModelVersion v = models.find(id).orElseThrow();
        JsonNode rows = reference().get("rows");
        for (int i = 0; i < rows.size(); i++) {
            JsonNode r = rows.get(i);
            Sample s = datasets.sample(t.train().get(i)).orElseThrow();
            InputBatch x = predictions.input(s, v);
            assertEquals(List.of(1, 1, 1, 5), List.of(x.n(), x.channels(), x.height(), x.width()));
            assertArrayEquals(floats(r.get("encoded")), x.values(), 1e-5f, "encoded row " + i);
            try (ModelService.Lease lease = models.lease(v)) {
                assertArrayEquals(floats(r.get("logits")), lease.model().logits(x), 1e-4f, "logits of row " + i);
                for (int target = 0; target < 2; target++) {
                    ExplainableModel.GradientResult g = lease.model().gradient(x, new int[] {target});
                    assertArrayEquals(floats(r.get("targets").get(String.valueOf(target)).get("gradient")),
                            g.gradient(), 1e-4f, "gradient of row " + i + ", class " + target);
                }
            }
            float[] logits = floats(r.get("logits"));
            double e0 = Math.exp(logits[0]);
            double e1 = Math.exp(logits[1]);
            JsonPath answer = given().queryParam("modelId", id).get("/api/samples/" + s.id + "/predictions").then()
                    .statusCode(200).extract().jsonPath();
            assertEquals(e1 / (e0 + e1), answer.getDouble("probabilities[1]"), 1e-5, "p(yes) of row " + i);
            assertEquals(logits[1] > logits[0] ? "yes" : "no", answer.getString("predictedClass"));
        }
    }

    @Test
    void aMapOfARowHasOneValuePerFeatureEqualToThePyTorchReference() {
        Table t = table("tabular maps");
        long id = uploadMlp(t.project());
        JsonNode rows = reference().get("rows");
        Map<String, String> methods = Map.of("vanilla-gradient", "gradient", "gradient-x-input", "gradientTimesInput",
                "integrated-gradients", "integratedGradients", "occlusion", "occlusion");
        for (int i : new int[] {0, 2}) {
            long sample = t.train().get(i);
            for (var m : methods.entrySet()) {
                JsonNode ref = rows.get(i).get("targets").get("1").get(m.getValue());
                double[] expected = m.getKey().equals("occlusion") ? toDoubles(ref) : perFeature(floats(ref));
                // the references take the spec's mean (0 in standardised units) as the baseline: baseline=zeros
                var request = given().queryParam("modelId", id).queryParam("method", m.getKey()).queryParam("target", "1");
                if (m.getKey().equals("integrated-gradients") || m.getKey().equals("occlusion")) {
                    request = request.queryParam("baseline", "zeros");
                }
                JsonPath map = request.post("/api/samples/" + sample + "/saliency").then().statusCode(200)
                        .body("shape", equalTo(List.of(4))).body("features", equalTo(GROUPS))
                        .body("targetName", equalTo("yes")).body("curves", equalTo("pending")).extract().jsonPath();
                List<Float> values = map.getList("values", Float.class);
                assertEquals(4, values.size());
                for (int f = 0; f < 4; f++) {
                    // stored as float16: about 3 significant digits
                    assertEquals(expected[f], values.get(f).doubleValue(), 1e-3 * Math.max(1, Math.abs(expected[f])),
                            m.getKey() + " of row " + i + ", feature " + GROUPS.get(f));
                }
                if (!m.getKey().equals("occlusion")) {
                    float[] columns = floats(ref);
                    assertEquals(columns[1] + columns[2], values.get(1).doubleValue(),
                            1e-3 * Math.max(1, Math.abs(columns[1] + columns[2])),
                            "the categorical site is the sum of its one-hot columns (" + m.getKey() + ")");
                }
                var read = given().queryParam("modelId", id).queryParam("method", m.getKey()).queryParam("target", "1");
                if (m.getKey().equals("integrated-gradients") || m.getKey().equals("occlusion")) {
                    read = read.queryParam("baseline", "zeros");
                }
                List<Float> again = read.get("/api/samples/" + sample + "/saliency").then().statusCode(200)
                        .body("shape", equalTo(List.of(4))).body("features", equalTo(GROUPS)).extract().jsonPath()
                        .getList("values", Float.class);
                assertEquals(values, again, "the stored map is answered as computed");
            }
        }
    }

    private static double[] toDoubles(JsonNode a) {
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asDouble();
        }
        return out;
    }

    @Test
    void aRowsMapHasDeletionAndInsertionCurvesOneFeatureAStep() {
        Table t = table("tabular curves");
        long id = uploadMlp(t.project());
        long sample = t.train().get(0);
        JsonPath map = given().queryParam("modelId", id).queryParam("method", "gradient-x-input").queryParam("target", "1")
                .queryParam("curves", "true").post("/api/samples/" + sample + "/saliency").then().statusCode(200)
                .body("curves", equalTo("computed")).extract().jsonPath();
        double deletion = map.getDouble("metrics.deletionAuc");
        double insertion = map.getDouble("metrics.insertionAuc");
        assertTrue(deletion >= 0 && deletion <= 1 && insertion >= 0 && insertion <= 1, deletion + ", " + insertion);
        // the curves start (deletion) and end (insertion) at the row's own probability, and differ between them
        assertTrue(deletion != insertion, deletion + ", " + insertion);
        given().queryParam("modelId", id).queryParam("method", "gradient-x-input").queryParam("target", "1")
                .get("/api/samples/" + sample + "/saliency").then().statusCode(200).body("curves", equalTo("computed"))
                .body("metrics.deletionAuc", equalTo((float) deletion));
    }

    @Test
    void methodsMadeForImagesAreRefusedOnRowsAndListedAsNotAvailable() {
        Table t = table("tabular refusals");
        long id = uploadMlp(t.project());
        long sample = t.test().get(0);
        for (String method : List.of("grad-cam", "grad-cam-plus-plus", "rise", "guided-backprop")) {
            given().queryParam("modelId", id).queryParam("method", method).post("/api/samples/" + sample + "/saliency")
                    .then().statusCode(400).body("error", equalTo("Method '" + method + "' cannot run on rows"))
                    .body("detail", containsString("mlp v1 reads table rows"));
        }
        JsonPath offered = given().get("/api/models/" + id + "/methods").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("grad-cam", "grad-cam-plus-plus", "guided-backprop", "rise"),
                offered.getList("findAll { it.refusal != null }.method"));
        assertTrue(offered.getList("findAll { it.refusal == null }.method").containsAll(List.of("vanilla-gradient",
                "gradient-x-input", "integrated-gradients", "occlusion", "smoothgrad")));
        given().queryParam("modelId", id).queryParam("method", "vanilla-gradient")
                .post("/api/samples/" + sample + "/saliency").then().statusCode(200);
        given().queryParam("modelId", id).queryParam("method", "vanilla-gradient")
                .get("/api/samples/" + sample + "/saliency.png").then().statusCode(400)
                .body("error", equalTo("A row has no image"));
    }

    @Test
    void aSaliencyJobStoresTheMapsOfRowsPerFeatureAndRefusesImageMethods() throws InterruptedException {
        Table t = table("tabular job");
        long id = uploadMlp(t.project());
        given().contentType(ContentType.JSON).body(Map.of("type", "saliency", "modelId", id, "methods",
                        List.of(Map.of("name", "rise")), "samples", t.train()))
                .post("/api/jobs").then().statusCode(400).body("error", equalTo("Method 'rise' cannot run on mlp v1"));
        long job = given().contentType(ContentType.JSON).body(Map.of("type", "saliency", "modelId", id, "methods",
                        List.of(Map.of("name", "vanilla-gradient"),
                                Map.of("name", "occlusion", "params", Map.of("baseline", "zeros"))), "samples", t.train(),
                        "target", "1"))
                .post("/api/jobs").then().statusCode(202).extract().jsonPath().getLong("jobId");
        pool.start(1);
        try {
            long deadline = System.currentTimeMillis() + 180_000;
            String state = "queued";
            while (System.currentTimeMillis() < deadline && !state.equals("succeeded") && !state.equals("failed")) {
                Thread.sleep(250);
                state = given().get("/api/jobs/" + job).then().statusCode(200).extract().jsonPath().getString("state");
            }
            assertEquals("succeeded", state);
        } finally {
            pool.stop();
        }
        JsonNode ref = reference().get("rows").get(0).get("targets").get("1");
        double[] gradient = perFeature(floats(ref.get("gradient")));
        double[] occlusion = toDoubles(ref.get("occlusion"));
        Map<String, double[]> expected = Map.of("vanilla-gradient", gradient, "occlusion", occlusion);
        for (var e : expected.entrySet()) {
            var read = given().queryParam("modelId", id).queryParam("method", e.getKey()).queryParam("target", "1");
            if (e.getKey().equals("occlusion")) {
                read = read.queryParam("baseline", "zeros");
            }
            List<Float> values = read.get("/api/samples/" + t.train().get(0) + "/saliency").then()
                    .statusCode(200).body("shape", equalTo(List.of(4))).body("features", equalTo(GROUPS))
                    .extract().jsonPath().getList("values", Float.class);
            for (int f = 0; f < 4; f++) {
                assertEquals(e.getValue()[f], values.get(f).doubleValue(), 1e-3 * Math.max(1, Math.abs(e.getValue()[f])),
                        e.getKey() + " stored by the job, feature " + GROUPS.get(f));
            }
        }
    }

    @Test
    void theReferenceRowsAreTheEncodedTrainingRowsAndTheirMean() {
        Table t = table("tabular reference");
        ModelVersion v = models.find(uploadMlp(t.project())).orElseThrow();
        JsonNode rows = reference().get("rows");
        float[] mean = new float[5];
        for (JsonNode r : rows) {
            float[] x = floats(r.get("encoded"));
            for (int c = 0; c < 5; c++) {
                mean[c] += x[c] / rows.size();
            }
        }
        TabularInput in = models.tabularInput(v);
        assertEquals(GROUPS, in.features());
        assertArrayEquals(new int[] {0, 1, 1, 2, 3}, in.featureOfColumn());
        assertArrayEquals(mean, in.mean(), 1e-5f);
        assertEquals(3, in.referenceRows().length, "only the training rows, not the test rows");
        try (ModelService.Lease lease = models.lease(v)) {
            TabularInput fromModel = lease.model().tabular().orElseThrow();
            assertArrayEquals(mean, fromModel.mean(), 1e-5f);
        }
    }
}
