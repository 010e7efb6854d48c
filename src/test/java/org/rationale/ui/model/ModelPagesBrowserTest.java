package org.rationale.ui.model;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.chromium.ChromiumDriver;
import org.rationale.model.TabularSpecTest;
import org.rationale.saliency.ReferenceFixtures;
import org.rationale.testing.Api;
import org.rationale.testing.BrowserLogin;
import org.rationale.testing.BrowserTest;
import org.rationale.testing.Fixtures;
import org.rationale.testing.Page;
import org.rationale.testing.PostgresTestResource;
import org.rationale.testing.TabularProjects;
import org.rationale.worker.JobKind;
import org.rationale.worker.JobService;
import org.rationale.worker.WorkerPool;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The model pages in a browser, as an engineer: a TorchScript upload that passes its check and
 * shows predictions, a bad file refused at its field with nothing stored, a training followed to
 * its new version, and sanity checks run as a job with their numbers. Pictures go to
 * target/screenshots at 1280×800.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class ModelPagesBrowserTest extends BrowserTest {

    private static Long engineer;

    @Inject
    WorkerPool pool;

    @Inject
    JobService jobs;

    @BeforeAll
    static void viewport() {
        // the page itself 1280×800, as the documentation's pictures show it
        ((ChromiumDriver) browser).executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", 1280, "height", 800, "deviceScaleFactor", 1, "mobile", false));
    }

    /** A project of 40 training and 8 test 28×28 gray images in 10 classes, the engineer a member, logged in. */
    private long project() {
        if (engineer == null) {
            engineer = Api.newUser("mp-engineer", "engineer");
        }
        long p = Api.newProject("model pages");
        for (String split : List.of("train", "test")) {
            int n = split.equals("train") ? 40 : 8;
            given().multiPart("images", "i.idx", Fixtures.idxImages(n, 28, 28), "application/octet-stream")
                    .multiPart("labels", "l.idx", Fixtures.idxLabels(n, 10), "application/octet-stream")
                    .multiPart("split", split).multiPart("name", "digits " + split)
                    .post("/api/projects/" + p + "/datasets").then().statusCode(201);
        }
        Api.addMember(p, engineer);
        BrowserLogin.logIn(browser, root.toString(), "mp-engineer", "mp-engineer-password");
        return p;
    }

    /** Adds a file to a vaadin-upload as a user dropping it would, and waits until the server has it. */
    private static void addFile(String uploadId, String fileName, byte[] content) {
        js("const u = document.getElementById(arguments[0]);"
                + "const bytes = Uint8Array.from(atob(arguments[2]), c => c.charCodeAt(0));"
                + "u._addFiles([new File([bytes], arguments[1], {type: 'application/octet-stream'})]);",
                uploadId, fileName, Base64.getEncoder().encodeToString(content));
        waiting(30).until(d -> Boolean.TRUE.equals(js("const u = document.getElementById(arguments[0]);"
                + "return u.files.length === 1 && u.files[0].complete === true;", uploadId)));
    }

    private static void setValue(String id, String value) {
        js("const f = document.getElementById(arguments[0]); f.value = arguments[1];"
                + "f.dispatchEvent(new CustomEvent('change', {bubbles: true}));", id, value);
    }

    private static boolean invalid(String id) {
        return Boolean.TRUE.equals(js("return document.getElementById(arguments[0]).invalid === true;", id));
    }

    private static int models(long project) {
        return given().get("/api/projects/" + project + "/models").then().statusCode(200).extract().jsonPath()
                .getList("$").size();
    }

    @Test
    void aTorchScriptModelUploadedThroughTheFormIsCheckedStoredAndPredicts() {
        long p = project();
        browser.get(root + "projects/" + p + "/models/new");
        waiting(60).until(d -> !Page.text(d, "upload-classes").isEmpty());
        // the classes are the project's, shown; the size comes from its images
        assertTrue(Page.text(browser, "upload-classes").contains("output 9 → "), Page.text(browser, "upload-classes"));
        assertEquals("28", js("return document.getElementById('upload-height').value;"));
        addFile("upload-model", "cnn.pt", ReferenceFixtures.bytes("cnn.pt"));
        addFile("upload-features", "cnn-features.pt", ReferenceFixtures.bytes("cnn-features.pt"));
        addFile("upload-classifier", "cnn-classifier.pt", ReferenceFixtures.bytes("cnn-classifier.pt"));
        setValue("upload-name", "browser-cnn");
        Page.click(browser, "upload-send");
        waiting(60).until(d -> Page.text(d, "upload-accepted").contains("Stored as browser-cnn v1"));
        String accepted = Page.text(browser, "upload-accepted");
        assertTrue(accepted.contains("Grad-CAM methods can run"), accepted);
        long predicted = (Long) js("return document.querySelectorAll('#upload-predictions li').length;");
        assertEquals(5, predicted, accepted);
        assertTrue(Page.text(browser, "upload-predictions").contains("predicts "), accepted);
        // measured after the page answered
        waiting(60).until(d -> Page.text(d, "upload-held-out")
                .matches("On \\d+ (test|train) images it is right for \\d+ .*"));
        JsonPath stored = given().get("/api/projects/" + p + "/models").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("browser-cnn"), stored.getList("name"));
        assertEquals(List.of(true), stored.getList("supportsCam"));
        js("document.getElementById('upload-accepted').scrollIntoView({block: 'end'});");
        screenshot(Path.of("target", "screenshots", "model-upload.png"));
    }

    @Test
    void aBadModelFileIsRefusedAtItsFieldWithTheReasonAndNothingIsStored() {
        long p = project();
        browser.get(root + "projects/" + p + "/models/new");
        waiting(60).until(d -> !Page.text(d, "upload-classes").isEmpty());
        // nothing chosen, no name, a broken std: every problem at once, each at its field
        setValue("upload-name", "");
        setValue("upload-std-0", "0");
        Page.click(browser, "upload-send");
        waiting(10).until(d -> Page.text(d, "upload-model-error").contains("Choose the TorchScript file"));
        assertTrue(invalid("upload-name"), "the name is marked");
        assertTrue(invalid("upload-std-0"), "the std is marked");
        // a file that is no TorchScript: the engine's reason at the file, nothing stored
        setValue("upload-name", "broken");
        setValue("upload-std-0", "1");
        addFile("upload-model", "weights.pt", "these bytes are not a TorchScript archive".getBytes());
        Page.click(browser, "upload-send");
        waiting(60).until(d -> Page.text(d, "upload-model-error").startsWith("Model failed"));
        assertTrue(Page.text(browser, "upload-form-error").startsWith("Nothing was stored"),
                Page.text(browser, "upload-form-error"));
        assertTrue(Page.text(browser, "upload-accepted").isEmpty());
        assertEquals(0, models(p));
        // only the features part: the missing classifier part is named
        addFile("upload-features", "f.pt", ReferenceFixtures.bytes("cnn-features.pt"));
        Page.click(browser, "upload-send");
        waiting(10).until(d -> Page.text(d, "upload-classifier-error").contains("classifier part is missing"));
        assertEquals(0, models(p));
    }

    /** A table of {@code n} rows: age, income, smoker, site A/B/C and the outcome no/yes (the first row's "no"). */
    private static byte[] table(int n, int from) {
        StringBuilder csv = new StringBuilder("age,income,smoker,site,outcome\n");
        for (int i = from; i < from + n; i++) {
            csv.append(30 + 3 * i).append(',').append(20000 + 1500 * i).append(',').append(i % 2 == 0)
                    .append(',').append("ABC".charAt(i % 3)).append(',').append(i % 2 == 0 ? "no" : "yes").append('\n');
        }
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A tabular project of 12 training and 6 test rows (classes no, yes), the engineer a member, logged in. */
    private long tableProject() {
        if (engineer == null) {
            engineer = Api.newUser("mp-engineer", "engineer");
        }
        long p = TabularProjects.create("model pages rows");
        for (String split : List.of("train", "test")) {
            given().multiPart("table", split + ".csv", table(split.equals("train") ? 12 : 6, split.equals("train") ? 0 : 12),
                            "text/csv").multiPart("label", "outcome").multiPart("split", split)
                    .post("/api/projects/" + p + "/datasets").then().statusCode(201);
        }
        Api.addMember(p, engineer);
        BrowserLogin.logIn(browser, root.toString(), "mp-engineer", "mp-engineer-password");
        return p;
    }

    private static String value(String id) {
        return (String) js("return document.getElementById(arguments[0]).value;", id);
    }

    @Test
    void aTabularModelIsUploadedWithItsFeaturesInInputOrderAndASpecFileFillsThem() {
        long p = tableProject();
        browser.get(root + "projects/" + p + "/models/new");
        waiting(60).until(d -> !Page.text(d, "upload-classes").isEmpty());
        // the form starts from every column of the table, standardised by the training rows; no image fields
        assertEquals("age\nincome\nsmoker\nsite=A\nsite=B\nsite=C", value("upload-features-list"));
        assertTrue(Page.text(browser, "upload-standardisation").contains("training rows"),
                Page.text(browser, "upload-standardisation"));
        assertEquals(0L, js("return document.querySelectorAll('#upload-height, #upload-channels, #upload-features')"
                + ".length;"));
        assertTrue(Page.text(browser, "upload-classes").contains("output 1 → yes"), Page.text(browser, "upload-classes"));

        // the model reads five of them (age, site=A, site=B, smoker, income): the six listed are refused, at the model
        addFile("upload-model", "tabular-mlp.pt", ReferenceFixtures.tabular("tabular-mlp.pt"));
        Page.click(browser, "upload-send");
        waiting(60).until(d -> Page.text(d, "upload-form-error").startsWith("Nothing was stored"));
        assertTrue(Page.text(browser, "upload-model-error").contains("The spec lists 6 features"),
                Page.text(browser, "upload-model-error"));
        // a feature the table does not have is refused at the features
        setValue("upload-features-list", "age\nsite=A\nsite=B\nsmoker\nheight");
        Page.click(browser, "upload-send");
        waiting(60).until(d -> invalid("upload-features-list"));
        assertTrue(((String) js("return document.getElementById('upload-features-list').errorMessage;"))
                .contains("'height' is not a column"));
        // more text than the field allows, sent past the page's own limit: refused before it is read
        js("const f = document.getElementById('upload-features-list'); f.maxlength = null; f.value = 'a'.repeat(1000001);"
                + "f.dispatchEvent(new CustomEvent('change', {bubbles: true}));");
        Page.click(browser, "upload-send");
        waiting(30).until(d -> "1,000,001 characters; at most 1,000,000".equals(
                js("return document.getElementById('upload-features-list').errorMessage;")));
        setValue("upload-features-list", "age\nsite=A\nsite=B\nsmoker\nheight");
        assertEquals(0, models(p));

        // a spec file whose classes are in another order fills nothing
        addFile("upload-spec", "swapped.json", TabularSpecTest.GOOD.replace("[\"no\", \"yes\"]", "[\"yes\", \"no\"]")
                .getBytes(StandardCharsets.UTF_8));
        waiting(30).until(d -> Page.text(d, "upload-spec-error").contains("classes are [yes, no]"));
        assertEquals("age\nsite=A\nsite=B\nsmoker\nheight", value("upload-features-list"));
        // the model's own spec file fills the features, and its mean and std as listed
        js("document.getElementById('upload-spec').files = [];");
        addFile("upload-spec", "spec.json", TabularSpecTest.GOOD.getBytes(StandardCharsets.UTF_8));
        waiting(30).until(d -> "age\nsite=A\nsite=B\nsmoker\nincome".equals(value("upload-features-list")));
        assertEquals("", Page.text(browser, "upload-spec-error"));
        assertEquals("mlp", value("upload-name"));
        assertEquals("50, 0.3, 0.4, 0.5, 30000", value("upload-mean-list"));
        assertEquals("10, 0.5, 0.5, 0.5, 10000", value("upload-std-list"));
        js("document.getElementById('upload-model').scrollIntoView({block: 'start'}); window.scrollBy(0, -90);");
        screenshot("model-upload-rows.png");
        // a mean that is not a number is refused at its field, nothing stored
        setValue("upload-mean-list", "50, 0.3, lots, 0.5, 30000");
        Page.click(browser, "upload-send");
        waiting(30).until(d -> invalid("upload-mean-list"));
        assertEquals("Number 3 ('lots') is not a number",
                js("return document.getElementById('upload-mean-list').errorMessage;"));
        assertEquals(0, models(p));

        setValue("upload-mean-list", "50, 0.3, 0.4, 0.5, 30000");
        Page.click(browser, "upload-send");
        waiting(60).until(d -> Page.text(d, "upload-accepted").contains("Stored as mlp v1"));
        String accepted = Page.text(browser, "upload-accepted");
        assertTrue(accepted.contains("three rows"), accepted);
        assertEquals(5L, js("return document.querySelectorAll('#upload-predictions li').length;"), accepted);
        assertTrue(Page.text(browser, "upload-predictions").contains("predicts "), accepted);
        waiting(60).until(d -> Page.text(d, "upload-held-out").matches(
                "On \\d+ test rows it is right for \\d+ \\(\\d+\\.\\d %\\); always answering the commonest class "
                        + "would be right for \\d+\\.\\d %\\..*"));
        JsonPath stored = given().get("/api/projects/" + p + "/models").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("mlp"), stored.getList("name"));
    }

    @Test
    void trainingFromThePageShowsItsProgressAndTheNewVersion() {
        long p = project();
        browser.get(root + "projects/" + p + "/train");
        waiting(60).until(d -> Boolean.TRUE.equals(js("return !!document.getElementById('training-start');")));
        // the page entered again in the same browser tab (the view is reused): the form is reset, its button wired once
        setValue("training-name", "changed");
        js("history.pushState({}, '', location.pathname + '?again'); dispatchEvent(new PopStateEvent('popstate'));");
        waiting(30).until(d -> "small-cnn".equals(js("return document.getElementById('training-name').value;")));
        // out-of-range settings are marked all at once and start nothing
        setValue("training-epochs-field", "0");
        setValue("training-rate", "5");
        Page.click(browser, "training-start");
        waiting(10).until(d -> invalid("training-epochs-field") && invalid("training-rate"));
        assertTrue(Page.text(browser, "training-progress-text").isEmpty(), "no training started");
        setValue("training-epochs-field", "3");
        setValue("training-rate", "0.002");
        setValue("training-batch", "16");
        pool.start(1);
        List<String> seen = new ArrayList<>();
        try {
            Page.click(browser, "training-start");
            waiting(240).until(d -> {
                seen.add(Page.text(d, "training-progress-text"));
                return Page.text(d, "training-outcome").startsWith("New version");
            });
        } finally {
            pool.stop();
        }
        String outcome = Page.text(browser, "training-outcome");
        assertTrue(outcome.startsWith("New version: small-cnn v1 — train accuracy "), outcome);
        assertTrue(outcome.contains("test accuracy "), outcome);
        assertTrue(seen.stream().anyMatch(s -> s.startsWith("Training queued") || s.startsWith("Epoch ")),
                "progress shown while training: " + seen);
        assertEquals("Training succeeded", Page.text(browser, "training-progress-text"));
        long rows = (Long) js("return Array.from(document.querySelectorAll('#training-epochs vaadin-grid-cell-content'))"
                + ".filter(c => c.textContent.endsWith(' %')).length;");
        assertEquals(3, rows, "one row per epoch with its accuracy");
        assertEquals(1, models(p));
        assertEquals(1, jobs.recent(50).stream().filter(j -> j.projectId() == p && j.kind() == JobKind.TRAIN).count(),
                "one click, one training");
        js("document.getElementById('training-outcome').scrollIntoView({block: 'center'});");
        screenshot(Path.of("target", "screenshots", "training.png"));
    }

    @Test
    void theSanityPageOpensOnTheProjectsCurrentVersionNotTheNewest() {
        long p = project();
        long first = Api.uploadFixtureCnn(p);
        Api.uploadFixtureCnn(p);
        given().contentType("application/json").body(Map.of("modelId", first))
                .put("/api/projects/" + p + "/models/current").then().statusCode(200);
        browser.get(root + "projects/" + p + "/sanity");
        waiting(60).until(d -> Boolean.TRUE.equals(js("return !!document.getElementById('sanity-start');")));
        assertTrue(Page.text(browser, "sanity-no-results").contains("No check of fixture-cnn v1 has run yet"),
                Page.text(browser, "sanity-no-results"));
    }

    @Test
    void sanityChecksRunAsAJobWithPerMethodProgressAndShowTheirNumbers() {
        long p = project();
        long model = Api.uploadFixtureCnn(p);
        browser.get(root + "projects/" + p + "/sanity?model=" + model);
        waiting(60).until(d -> Boolean.TRUE.equals(js("return !!document.getElementById('sanity-start');")));
        assertTrue(Page.text(browser, "sanity-no-results").contains("No check of fixture-cnn v1 has run yet"));
        assertTrue(Page.text(browser, "sanity-unavailable").contains("guided-backprop"),
                Page.text(browser, "sanity-unavailable"));
        pool.start(1);
        List<String> seen = new ArrayList<>();
        try {
            Page.click(browser, "sanity-start");
            waiting(300).until(d -> {
                seen.add(Page.text(d, "sanity-per-method"));
                return Page.text(d, "sanity-progress-text").endsWith("succeeded");
            });
        } finally {
            pool.stop();
        }
        String progress = Page.text(browser, "sanity-progress-text");
        assertTrue(progress.startsWith("Sanity job: 8 of 8 methods checked"), progress);
        assertTrue(seen.stream().anyMatch(s -> s.contains("done") && (s.contains("running") || s.contains("waiting"))),
                "one method at a time: " + seen);
        String results = (String) js("return Array.from(document.querySelectorAll('#sanity-results vaadin-grid-cell-content'))"
                + ".map(c => c.textContent).join(' | ');");
        assertTrue(results.contains("vanilla-gradient"), results);
        assertTrue(results.contains("≤ 0.50") || results.contains("> 0.50"), results);
        assertTrue(results.contains("step 1: "), results);
        given().get("/api/models/" + model + "/sanity").then().statusCode(200)
                .body("size()", equalTo(8));
        js("document.getElementById('sanity-results').scrollIntoView({block: 'end'});");
        screenshot(Path.of("target", "screenshots", "sanity.png"));
    }
}
