package org.rationale.ui.scheduler;

import io.restassured.http.ContentType;
import java.util.Map;
import org.openqa.selenium.TimeoutException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.rationale.testing.Api;
import org.rationale.testing.BrowserLogin;
import org.rationale.testing.Chromium;
import org.rationale.testing.Page;
import org.rationale.testing.DecoyProjects;
import org.rationale.testing.PostgresTestResource;
import org.rationale.worker.WorkerPool;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A feedback round run from the UI: an engineer starts it on the rounds page, sees the ranked
 * queue with its breakdown, an expert reviews the first sample and reads why it was chosen, the
 * engineer retrains, and the page shows the finished round with its learning curve.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class RoundsBrowserTest {

    private static WebDriver engineer;
    private static WebDriver expert;

    @TestHTTPResource("/")
    URL root;

    @Inject
    WorkerPool pool;

    @BeforeAll
    static void startBrowsers() {
        engineer = Chromium.start();
        expert = Chromium.start();
    }

    @AfterAll
    static void stopBrowsers() {
        Chromium.quit(engineer, expert);
    }

    /** {sample, map} handed to an expert under a model from a split. */
    private static long[] handed(String expert, long project, long model, String split) {
        var json = Api.as(expert).post("/api/projects/" + project + "/review/next?modelId=" + model + "&split=" + split)
                .then().statusCode(200).extract().jsonPath();
        return new long[] {json.getLong("sampleId"), json.getLong("saliencyMapId")};
    }

    private static void verdict(String expert, long[] sampleAndMap, String verdict) {
        Api.as(expert).contentType(ContentType.JSON).body(Map.of("saliencyMapId", sampleAndMap[1], "verdict", verdict))
                .post("/api/samples/" + sampleAndMap[0] + "/reviews").then().statusCode(201);
    }

    @Test
    void aRoundCountsOnlyItsOwnTrainingSplitVerdictsAndShowsVersionNumbers() throws Exception {
        pool.start(1);
        try {
            long p = DecoyProjects.withTrainedModel("rounds by split");
            long model = given().get("/api/projects/" + p + "/models").then().extract().jsonPath().getLong("[0].id");
            Api.addMember(p, Api.newUser("rs-engineer", "engineer"));
            Api.addMember(p, Api.newUser("rs-expert", "expert"));
            // two test-split verdicts before the round: they are not the round's
            verdict("rs-expert", handed("rs-expert", p, model, "test"), "accept");
            verdict("rs-expert", handed("rs-expert", p, model, "test"), "reject");
            given().contentType(ContentType.JSON).body(Map.of("batchSize", 5, "epochs", 1)).post("/api/projects/" + p + "/rounds")
                    .then().statusCode(201);
            DecoyProjects.await("/api/projects/" + p + "/rounds/1", "state", List.of("reviewing", "failed"));
            // during the round: one more test-split verdict (not counted) and one training sample rejected with a mask
            verdict("rs-expert", handed("rs-expert", p, model, "test"), "accept");
            long[] train = handed("rs-expert", p, model, "train");
            verdict("rs-expert", train, "reject");
            byte[] mask = new byte[784];
            mask[0] = 1;
            mask[1] = 1;
            Api.as("rs-expert").contentType(ContentType.JSON).body(Map.of("kind", "shortcut", "mask",
                    Base64.getEncoder().encodeToString(mask), "version", 0))
                    .post("/api/samples/" + train[0] + "/annotations").then().statusCode(201);

            BrowserLogin.logIn(engineer, root.toString(), "rs-engineer", "rs-engineer-password");
            engineer.get(root + "projects/" + p + "/rounds");
            WebDriverWait wait = new WebDriverWait(engineer, Duration.ofSeconds(120));
            wait.until(d -> Page.text(d, "retrain-note").contains("1 training sample reviewed, 1 with a shortcut mask"));
            Page.click(engineer, "retrain-button");
            wait.until(d -> !d.findElements(By.id("retrain-confirm")).isEmpty());
            assertEquals("", Page.text(engineer, "retrain-without-feedback"));
            Page.click(engineer, "retrain-confirm");
            wait.until(d -> Page.text(d, "round-status").contains("is done"));
            var round = given().get("/api/projects/" + p + "/rounds/1").then().extract().jsonPath();
            assertEquals(1, round.getInt("reviewed"));
            assertEquals(1, round.getInt("masks"));
            assertEquals(0, round.getInt("reviewedBefore"));
            assertEquals(1, round.getInt("modelVersion"));
            assertEquals(2, round.getInt("trainedModelVersion"));
            String grid = Page.text(engineer, "round-grid");
            // versions by their model's name and number, never database ids
            String name = given().get("/api/projects/" + p + "/models").then().extract().jsonPath().getString("[0].name");
            assertTrue(grid.contains(name + " v1 → " + name + " v2"), grid);
            wait.until(d -> !d.findElements(By.id("plot-accuracy")).isEmpty());
            // a 1280×800 viewport for the screenshot
            for (int i = 0; i < 3; i++) {
                JavascriptExecutor page = (JavascriptExecutor) engineer;
                long w = ((Number) page.executeScript("return window.innerWidth;")).longValue();
                long h = ((Number) page.executeScript("return window.innerHeight;")).longValue();
                Dimension now = engineer.manage().window().getSize();
                engineer.manage().window().setSize(new Dimension((int) (now.width + 1280 - w), (int) (now.height + 800 - h)));
            }
            engineer.navigate().refresh();
            wait.until(d -> !d.findElements(By.id("plot-accuracy")).isEmpty());
            Path shot = Path.of("target", "screenshots", "rounds.png");
            Files.createDirectories(shot.getParent());
            Files.write(shot, ((TakesScreenshot) engineer).getScreenshotAs(OutputType.BYTES));
        } finally {
            pool.stop();
        }
    }

    @Test
    void aRoundRunsFromTheRoundsPageEndToEnd() throws Exception {
        pool.start(1);
        try {
            long p = DecoyProjects.withTrainedModel("rounds in the browser");
            Api.addMember(p, Api.newUser("rb-engineer", "engineer"));
            Api.addMember(p, Api.newUser("rb-expert", "expert"));
            // the project's strategy is what the start form offers first
            given().contentType(ContentType.JSON).body(Map.of("strategy", "disagreement"))
                    .put("/api/projects/" + p + "/queue/settings").then().statusCode(200);
            BrowserLogin.logIn(engineer, root.toString(), "rb-engineer", "rb-engineer-password");
            engineer.get(root + "projects/" + p + "/rounds");
            WebDriverWait wait = new WebDriverWait(engineer, Duration.ofSeconds(120));
            wait.until(d -> Page.text(d, "round-status").contains("No round yet"));
            Page.click(engineer, "start-round");
            wait.until(d -> Page.text(d, "round-status").contains("experts review"));
            // the queue shows each sample's score and why
            wait.until(d -> Page.text(d, "queue-grid").contains("disagreement") && Page.text(d, "queue-grid").contains("entropy"));
            long first = given().get("/api/projects/" + p + "/queue?limit=1").then().extract().jsonPath()
                    .getLong("[0].sampleId");

            // the expert's review session opens on the round's training samples, in the scheduler's order
            BrowserLogin.logIn(expert, root.toString(), "rb-expert", "rb-expert-password");
            expert.get(root + "projects/" + p + "/review");
            WebDriverWait ew = new WebDriverWait(expert, Duration.ofSeconds(60));
            try {
                ew.until(d -> Page.text(d, "review-why").contains("#1 of the disagreement queue"));
            } catch (TimeoutException e) {
                throw new AssertionError("why: '" + Page.text(expert, "review-why") + "', facts: '" + Page.text(expert, "review-facts")
                        + "', round: " + given().get("/api/projects/" + p + "/rounds/1").asString(), e);
            }
            assertTrue(Page.text(expert, "review-facts").contains("Sample " + first), Page.text(expert, "review-facts"));
            // keys count once the canvas drew the sample
            ew.until(d -> Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript(
                    "const c = document.getElementById('review-canvas'); return c.getAttribute('data-rendered-key') === "
                            + "c.sampleKey && c.sampleKey.startsWith('s" + first + "-m');")));
            new Actions(expert).sendKeys("r").perform();
            ew.until(d -> !given().get("/api/samples/" + first + "/reviews").then().extract().jsonPath()
                    .getList("verdict").isEmpty());
            assertEquals(List.of("reject"), given().get("/api/samples/" + first + "/reviews").then().extract()
                    .jsonPath().getList("verdict"));

            // back on the rounds page: retrain, and the finished round with its curve
            engineer.navigate().refresh();
            wait.until(d -> d.findElement(By.id("retrain-button")).isEnabled());
            Page.click(engineer, "retrain-button");
            // the dialog asks first, and says what retraining without a mask means
            wait.until(d -> !d.findElements(By.id("retrain-confirm")).isEmpty());
            assertTrue(Page.text(engineer, "retrain-without-feedback").contains("no correction from the experts"),
                    Page.text(engineer, "retrain-without-feedback"));
            Page.click(engineer, "retrain-confirm");
            wait.until(d -> Page.text(d, "round-status").contains("is done"));
            assertTrue(Page.text(engineer, "round-grid").contains("done"), Page.text(engineer, "round-grid"));
            wait.until(d -> !d.findElements(By.id("plot-accuracy")).isEmpty());
            Object loaded = ((JavascriptExecutor) engineer).executeScript(
                    "const i = document.getElementById('plot-accuracy'); return i.complete && i.naturalWidth;");
            assertTrue(loaded instanceof Number n && n.intValue() > 100, "the accuracy plot is an image: " + loaded);
        } finally {
            pool.stop();
        }
    }
}
