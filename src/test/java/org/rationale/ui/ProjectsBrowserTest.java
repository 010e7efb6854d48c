package org.rationale.ui;

import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.TimeoutException;
import org.rationale.testing.Api;
import org.rationale.testing.BrowserLogin;
import org.rationale.testing.BrowserTest;
import org.rationale.testing.Chromium;
import org.rationale.testing.Fixtures;
import org.rationale.worker.WorkerPool;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.rationale.demo.DemoSeeder;
import org.rationale.project.ProjectService;
import org.rationale.testing.PostgresTestResource;

import static io.restassured.RestAssured.given;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Drives the real UI in Debian's headless Chromium. */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class ProjectsBrowserTest extends BrowserTest {

    @Inject
    DemoSeeder seeder;
    @Inject
    ProjectService projects;

    @BeforeEach
    void asAdmin() {
        logInAsAdmin();
    }

    private WebElement projectCard(String name) {
        return waiting().until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector(".project-card[data-project='" + name + "']")));
    }

    @Test
    void startPageListsDemoProjectAndBrowserShowsItsSamples() {
        seeder.seed();
        browser.get(root.toString());
        WebElement card = projectCard(DemoSeeder.PROJECT_NAME);
        waiting().until(d -> card.findElement(By.className("project-count")).getText().equals("13,000 samples"));
        assertTrue(card.getText().contains("train · 12,000"), card.getText());
        assertTrue(card.getText().contains("test · 1,000"), card.getText());

        WebElement browse = card.findElement(By.className("browse-button"));
        ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView({block: 'center'})", browse);
        waiting().until(ExpectedConditions.elementToBeClickable(browse)).click();
        waitForText("#result-summary", "13,000 samples");
        List<WebElement> thumbs = waiting().until(d -> {
            List<WebElement> t = d.findElements(By.cssSelector("#thumbnails .thumb"));
            return t.size() == 60 ? t : null;
        });
        // the first thumbnail's image really loads
        try {
            waiting().until(d -> (Boolean) ((JavascriptExecutor) d).executeScript(
                    "const i = document.querySelector('#thumbnails .thumb img'); return i.complete && i.naturalWidth === 28;"));
        } catch (TimeoutException e) {
            Object state = ((JavascriptExecutor) browser).executeScript(
                    "const i = document.querySelector('#thumbnails .thumb img'); return i.src + ' ' + i.complete + ' ' + i.naturalWidth;");
            throw new AssertionError("thumbnail did not load: " + state, e);
        }

        thumbs.get(0).click();
        WebElement dialog = waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("vaadin-dialog-overlay")));
        // fact names are upper-cased by CSS, and getText() returns what a person sees
        waiting().until(d -> dialog.getText().contains("KNOWN SHORTCUT"));
        assertTrue(dialog.getText().contains("4×4 at"), dialog.getText());
        assertEquals(1, browser.findElements(By.cssSelector("vaadin-dialog-overlay .shortcut-box")).size());
    }

    @Test
    void filtersFromTheAddressBar() {
        seeder.seed();
        long id = projects.findByName(DemoSeeder.PROJECT_NAME).orElseThrow().id;
        browser.get(root + "projects/" + id + "/samples?split=test&label=3&page=0");
        String summary = waitForText("#result-summary", " samples");
        long expected = given3();
        assertEquals(String.format("%,d samples", expected), summary);
        List<WebElement> captions = browser.findElements(By.cssSelector("#thumbnails .thumb-caption"));
        assertTrue(captions.stream().allMatch(c -> c.getText().equals("Dress")), "a caption is not Dress");
    }

    /**
     * Waits until the element's text contains {@code expected} and returns the text. Reads through
     * JavaScript: after Vaadin's client-side navigation chromedriver's own lookups came back empty
     * for elements that were there.
     */
    private String waitForText(String css, String expected) {
        try {
            return waiting().until(d -> {
                Object t = ((JavascriptExecutor) d).executeScript(
                        "const e = document.querySelector(arguments[0]); return e ? e.innerText : null;", css);
                return t != null && t.toString().contains(expected) ? t.toString() : null;
            });
        } catch (TimeoutException e) {
            throw new AssertionError("'" + expected + "' never appeared in " + css + " at " + browser.getCurrentUrl(), e);
        }
    }

    private long given3() {
        return RestAssured.given()
                .get("/api/projects/" + projects.findByName(DemoSeeder.PROJECT_NAME).orElseThrow().id
                        + "/samples?split=test&label=3&limit=1")
                .then().extract().jsonPath().getLong("total");
    }

    @Test
    void createsProjectFromDialogAndExplainsDuplicateName() {
        String name = "Browser project " + UUID.randomUUID().toString().substring(0, 8);
        browser.get(root.toString());
        waiting().until(ExpectedConditions.elementToBeClickable(By.id("new-project"))).click();
        WebElement input = waiting().until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("vaadin-dialog-overlay vaadin-text-field input")));
        input.sendKeys(name);
        clickDialogButton("Create");
        projectCard(name);

        browser.findElement(By.id("new-project")).click();
        WebElement again = waiting().until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("vaadin-dialog-overlay vaadin-text-field input")));
        again.sendKeys(name);
        clickDialogButton("Create");
        waiting().until(d -> d.findElements(By.cssSelector("vaadin-dialog-overlay vaadin-text-field[invalid]")).size() == 1);
        String error = browser.findElement(By.cssSelector("vaadin-dialog-overlay vaadin-text-field [slot='error-message']")).getText();
        assertEquals("Project name already taken", error);
        clickDialogButton("Cancel");
    }

    @Test
    void sampleDialogShowsPredictionAndSaliencyOverlayAndCardRunsSanityChecks() {
        String name = "Browser model " + UUID.randomUUID().toString().substring(0, 8);
        long project = RestAssured.given().contentType(ContentType.JSON)
                .body(Map.of("name", name)).post("/api/projects").then().statusCode(201)
                .extract().jsonPath().getLong("id");
        RestAssured.given()
                .multiPart("images", "i.idx", Fixtures.idxImages(4, 28, 28), "application/octet-stream")
                .multiPart("labels", "l.idx", Fixtures.idxLabels(4, 10), "application/octet-stream")
                .multiPart("split", "test").post("/api/projects/" + project + "/datasets").then().statusCode(201);
        Api.uploadFixtureCnn(project);

        browser.get(root + "projects/" + project + "/samples");
        waitForText("#result-summary", "4 samples");
        waiting().until(d -> d.findElements(By.cssSelector("#thumbnails .thumb")).size() == 4).booleanValue();
        browser.findElements(By.cssSelector("#thumbnails .thumb")).get(0).click();
        waitForText("#overlay-prediction", "Predicts ");
        // integrated gradients with its quality curves on the request path: a loaded CI run took over 30 s
        new WebDriverWait(browser, Duration.ofSeconds(120)).until(d -> (Boolean) ((JavascriptExecutor) d).executeScript(
                "const i = document.querySelector('#overlay-image'); return !!i && i.complete && i.naturalWidth === 280;"));

        browser.get(root.toString());
        WebElement card = projectCard(name);
        WebElement run = card.findElement(By.className("run-sanity"));
        ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView({block: 'center'})", run);
        waiting().until(ExpectedConditions.elementToBeClickable(run)).click();
        // the card leads to the sanity page, where the checks run as a job
        waiting().until(ExpectedConditions.elementToBeClickable(By.id("sanity-start")));
        pool.start(1);
        try {
            browser.findElement(By.id("sanity-start")).click();
            new WebDriverWait(browser, Duration.ofSeconds(300)).until(d -> ((JavascriptExecutor) d).executeScript(
                    "const e = document.getElementById('sanity-progress-text'); return e && e.textContent.endsWith('succeeded');"));
        } finally {
            pool.stop();
        }
        browser.get(root.toString());
        // the card shows each method's similarity after randomising every layer
        String badges = waitForText(".project-card[data-project='" + name + "'] .sanity-badges", "vanilla-gradient");
        assertTrue(badges.matches("(?s).*✓ vanilla-gradient -?\\d\\.\\d\\d.*"), badges);
        assertTrue(badges.contains("grad-cam"), badges);
    }

    @Inject
    WorkerPool pool;

    @Test
    void saliencyJobStartedFromTheJobsPageRunsToTheEnd() {
        long project = RestAssured.given().contentType(ContentType.JSON)
                .body(Map.of("name", "Jobs page " + UUID.randomUUID())).post("/api/projects").then()
                .statusCode(201).extract().jsonPath().getLong("id");
        RestAssured.given()
                .multiPart("images", "i.idx", Fixtures.idxImages(12, 28, 28), "application/octet-stream")
                .multiPart("labels", "l.idx", Fixtures.idxLabels(12, 10), "application/octet-stream")
                .multiPart("split", "test").post("/api/projects/" + project + "/datasets").then().statusCode(201);
        Api.uploadFixtureCnn(project);
        pool.start(1);
        try {
            browser.get(root + "jobs?projectId=" + project);
            waiting().until(ExpectedConditions.elementToBeClickable(By.id("start-job"))).click();
            // the server pushes fresh rows: the new job reaches the end without a reload
            waitForText("#jobs-grid", "succeeded");
            assertTrue(waitForText("#jobs-grid", "12 / 12").contains("saliency"));
            waitForText("#workers-grid", "alive");
        } finally {
            pool.stop();
        }
    }

    @Test
    void theLoginPageGuardsTheAppAndAnExpertSeesOnlyTheirProjects() {
        long mine = Api.newProject("expert own project");
        long other = Api.newProject("someone else project");
        String mineName = given().get("/api/projects/" + mine).then().extract().jsonPath().getString("name");
        String otherName = given().get("/api/projects/" + other).then().extract().jsonPath().getString("name");
        long expert = given().contentType(ContentType.JSON)
                .body(Map.of("username", "browser-expert", "password", "browser-expert-pw", "role", "expert"))
                .post("/api/users").then().statusCode(201).extract().jsonPath().getLong("id");
        given().contentType(ContentType.JSON).body(Map.of("userId", expert))
                .post("/api/projects/" + mine + "/members").then().statusCode(200);

        // nobody logged in: every page leads to the login form; a wrong password says so
        browser.manage().deleteAllCookies();
        browser.get(root + "jobs");
        waiting().until(d -> d.getCurrentUrl().endsWith("/login"));
        waiting().until(d -> d.findElement(By.cssSelector("#vaadinLoginUsername input"))).sendKeys("browser-expert");
        var pw = browser.findElement(By.cssSelector("#vaadinLoginPassword input"));
        pw.sendKeys("not-the-password");
        pw.sendKeys(Keys.ENTER);
        try {
            waiting().until(d -> Boolean.TRUE.equals(js("const f = document.querySelector('vaadin-login-form'); "
                    + "return f != null && f.error === true;")));
        } catch (TimeoutException e) {
            throw new AssertionError("no login error shown at " + browser.getCurrentUrl() + ": " + js(
                    "const f = document.querySelector('vaadin-login-form'); return f ? 'error=' + f.error : 'no form';"), e);
        }

        BrowserLogin.logIn(browser, root.toString(), "browser-expert", "browser-expert-pw");
        try {
            projectCard(mineName);
        } catch (TimeoutException e) {
            throw new AssertionError("at " + browser.getCurrentUrl() + ": " + js("return document.body.innerText;"), e);
        }
        assertEquals(0, browser.findElements(By.cssSelector(".project-card[data-project='" + otherName + "']")).size());
        assertEquals(Boolean.FALSE, js("const b = document.getElementById('new-project'); return b != null && !b.hidden "
                + "&& b.offsetParent !== null;"));
        assertEquals(Boolean.FALSE, js("return document.querySelector('vaadin-side-nav').textContent.includes('Users');"));
        // the admin page is closed to an expert
        browser.get(root + "users");
        waiting().until(d -> Boolean.TRUE.equals(js("return document.readyState === 'complete';")));
        assertEquals(0, browser.findElements(By.id("users-grid")).size());

        // logging out ends the session: the API refuses the browser again
        browser.get(root.toString());
        waiting().until(ExpectedConditions.elementToBeClickable(By.id("logout"))).click();
        waiting().until(d -> d.getCurrentUrl().endsWith("/login"));
        Object status = ((JavascriptExecutor) browser).executeAsyncScript(
                "const done = arguments[arguments.length - 1]; fetch('/api/projects').then(r => done(r.status));");
        assertEquals(401L, status);
    }

    private void clickDialogButton(String text) {
        waiting().until(d -> {
            for (WebElement b : d.findElements(By.cssSelector("vaadin-dialog-overlay vaadin-button"))) {
                if (b.getText().equals(text)) {
                    b.click();
                    return true;
                }
            }
            return false;
        });
    }
}
