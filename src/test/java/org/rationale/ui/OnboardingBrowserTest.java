package org.rationale.ui;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.rationale.testing.Api;
import org.rationale.testing.BrowserLogin;
import org.rationale.testing.BrowserTest;
import org.rationale.testing.Page;
import org.rationale.testing.PostgresTestResource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engineer's and admin's first steps in a real browser: the empty project card says what to do
 * next and links there, the settings form, the jobs page's columns, the new-user form's errors at
 * their fields, and a wrong password that keeps the username.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class OnboardingBrowserTest extends BrowserTest {

    @BeforeAll
    static void windowSize() {
        browser.manage().window().setSize(new Dimension(1280, 800));
    }

    /** The text of the first element matching a CSS selector; empty when there is none. */
    private static String textOf(String selector) {
        Object t = js("const e = document.querySelector(\"" + selector + "\"); return e ? e.textContent : '';");
        return t == null ? "" : t.toString();
    }

    private static void clickOn(String selector) {
        js("document.querySelector(\"" + selector + "\").click();");
    }

    private static String projectName(long project) {
        return given().get("/api/projects/" + project).then().statusCode(200).extract().jsonPath().getString("name");
    }

    /** A screenshot of the page at a 1280×800 viewport, in target/screenshots. */
    static void screenshot(WebDriver b, String name) {
        JavascriptExecutor page = (JavascriptExecutor) b;
        for (int i = 0; i < 3; i++) {
            long w = ((Number) page.executeScript("return window.innerWidth;")).longValue();
            long h = ((Number) page.executeScript("return window.innerHeight;")).longValue();
            if (w == 1280 && h == 800) {
                break;
            }
            Dimension now = b.manage().window().getSize();
            b.manage().window().setSize(new Dimension((int) (now.width + 1280 - w), (int) (now.height + 800 - h)));
        }
        try {
            Path shot = Path.of("target", "screenshots", name);
            Files.createDirectories(shot.getParent());
            Files.write(shot, ((TakesScreenshot) b).getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private long engineerOf(long project, String name) {
        Api.addMember(project, Api.newUser(name, "engineer"));
        return project;
    }

    @Test
    void theEmptyProjectCardLeadsFromImportToAModelToTheFirstJob() {
        long p = engineerOf(Api.newProject("onboarding empty"), "ob-engineer");
        String card = "[data-project='" + projectName(p) + "']";
        BrowserLogin.logIn(browser, root.toString(), "ob-engineer", "ob-engineer-password");
        waiting().until(d -> textOf(card + " .next-step").contains("no images yet"));
        assertEquals("no classes yet", textOf(card + " .class-count"));
        assertEquals("", textOf(card + " .browse-button"), "no greyed browse button on an empty project");
        assertTrue(textOf(card + " .settings-button").contains("Settings"));
        assertTrue(textOf(card + " .sanity-button").contains("Sanity checks"));
        js("document.querySelector(\"" + card + "\").scrollIntoView();");
        screenshot(browser, "project-card-empty.png");
        clickOn(card + " .next-step-import");
        waiting().until(d -> d.getCurrentUrl().endsWith("projects/" + p + "/import"));

        // images in, no model: upload or train
        Api.importIdx(p, 12, "train");
        browser.get(root.toString());
        waiting().until(d -> textOf(card + " .next-step").contains("Add the model"));
        assertEquals("10 classes", textOf(card + " .class-count"));
        clickOn(card + " .next-step-train");
        waiting().until(d -> d.getCurrentUrl().endsWith("projects/" + p + "/train"));
        browser.get(root.toString());
        waiting().until(d -> !textOf(card + " .next-step-upload").isEmpty());
        clickOn(card + " .next-step-upload");
        waiting().until(d -> d.getCurrentUrl().endsWith("projects/" + p + "/models/new"));

        // a model, no maps: the next step is a saliency job on the jobs page, with the project chosen
        Api.uploadFixtureCnn(p);
        browser.get(root.toString());
        waiting().until(d -> textOf(card + " .next-step").contains("Compute its saliency maps"));
        clickOn(card + " .next-step-job");
        waiting().until(d -> d.getCurrentUrl().contains("jobs?projectId=" + p));
        browser.get(root.toString());
        waiting().until(d -> !textOf(card + " .settings-button").isEmpty());
        clickOn(card + " .settings-button");
        waiting().until(d -> d.getCurrentUrl().endsWith("projects/" + p + "/settings"));
        waiting().until(d -> !d.findElements(By.id("settings-overlap")).isEmpty());
    }

    private static void type(String id, String value) {
        js("const f = document.getElementById('" + id + "'); f.value = '" + value + "'; "
                + "f.dispatchEvent(new Event('change', {bubbles: true}));");
    }

    private static boolean invalid(String id) {
        return Boolean.TRUE.equals(js("return document.getElementById('" + id + "').invalid === true;"));
    }

    private static String errorOf(String id) {
        Object t = js("return document.getElementById('" + id + "').errorMessage;");
        return t == null ? "" : t.toString();
    }

    @Test
    void theSettingsFormShowsEveryProblemAtItsFieldAndSavesGoodValues() {
        long p = engineerOf(Api.newProject("onboarding settings"), "ob-settings");
        BrowserLogin.logIn(browser, root.toString(), "ob-settings", "ob-settings-password");
        browser.get(root + "projects/" + p + "/settings");
        waiting().until(d -> !d.findElements(By.id("settings-save")).isEmpty());
        type("settings-overlap", "0");
        type("settings-reservation", "5000");
        Page.click(browser, "settings-save");
        waiting().until(d -> invalid("settings-overlap") && invalid("settings-reservation"));
        assertTrue(errorOf("settings-overlap").contains("1 to 10"), errorOf("settings-overlap"));
        assertTrue(errorOf("settings-reservation").contains("1 to 1,440"), errorOf("settings-reservation"));
        screenshot(browser, "settings.png");
        // nothing was stored
        given().get("/api/projects/" + p + "/review/settings").then().body("overlap", equalTo(1))
                .body("reservationMinutes", equalTo(15));

        type("settings-overlap", "");
        Page.click(browser, "settings-save");
        waiting().until(d -> invalid("settings-overlap") && errorOf("settings-overlap").contains("Enter how many"));

        type("settings-overlap", "2");
        type("settings-reservation", "45");
        Page.click(browser, "settings-save");
        waiting().until(d -> given().get("/api/projects/" + p + "/review/settings").jsonPath().getInt("overlap") == 2);
        given().get("/api/projects/" + p + "/review/settings").then().body("reservationMinutes", equalTo(45));
        assertFalse(invalid("settings-overlap"));
        assertFalse(invalid("settings-reservation"));
    }

    @Test
    void theAgreementPageWithOverlapOneSaysItNeedsTwoAndLinksToTheSettings() {
        long p = engineerOf(Api.newProject("onboarding agreement"), "ob-agreement");
        BrowserLogin.logIn(browser, root.toString(), "ob-agreement", "ob-agreement-password");
        browser.get(root + "projects/" + p + "/agreement");
        waiting().until(d -> Page.text(d, "agreement-needs-overlap").contains("overlap 1"));
        assertTrue(Page.text(browser, "agreement-pairs-empty").contains("No verdicts yet"));
        Page.click(browser, "agreement-settings-link");
        waiting().until(d -> d.getCurrentUrl().endsWith("projects/" + p + "/settings"));
        given().contentType(ContentType.JSON).body(Map.of("overlap", 2)).put("/api/projects/" + p + "/review/settings")
                .then().statusCode(200);
        browser.get(root + "projects/" + p + "/agreement");
        waiting().until(d -> Page.text(d, "agreement-pairs-empty").contains("No verdicts yet"));
        assertEquals("", Page.text(browser, "agreement-needs-overlap"));
    }

    @Test
    void theJobsPageShowsModelVersionMethodsSplitAndWhoStartedEachJob() {
        long p = engineerOf(Api.newProject("onboarding jobs"), "ob-jobs");
        Api.importIdx(p, 6, "test");
        long model = Api.uploadFixtureCnn(p);
        long job = Api.as("ob-jobs").contentType(ContentType.JSON).body(Map.of("type", "saliency", "modelId", model,
                        "methods", List.of(Map.of("name", "vanilla-gradient"), Map.of("name", "grad-cam")),
                        "samples", Map.of("projectId", p, "split", "test")))
                .post("/api/jobs").then().statusCode(202).extract().jsonPath().getLong("jobId");
        given().get("/api/jobs/" + job).then().body("modelVersion", equalTo(1)).body("model", equalTo("fixture-cnn v1"))
                .body("split", equalTo("test"))
                .body("startedBy", equalTo("ob-jobs")).body("methods", equalTo(List.of("vanilla-gradient", "grad-cam")));
        BrowserLogin.logIn(browser, root.toString(), "ob-jobs", "ob-jobs-password");
        browser.get(root + "jobs");
        waiting().until(d -> Page.text(d, "jobs-grid").contains("ob-jobs"));
        String grid = Page.text(browser, "jobs-grid");
        for (String column : List.of("Model", "Methods", "Split", "Started by", "Submitted (UTC)")) {
            assertTrue(grid.contains(column), column + " in " + grid);
        }
        assertTrue(grid.contains("fixture-cnn v1"), grid);
        assertTrue(grid.contains("vanilla-gradient, grad-cam"), grid);
        assertTrue(grid.contains("test"), grid);
        screenshot(browser, "jobs.png");
    }

    @Test
    void startingAJobWithoutAProjectOrModelIsRefusedWithAMessage() {
        // a member of one project without a model: the form says so at the model field
        long p = engineerOf(Api.newProject("onboarding no model"), "ob-nomodel");
        BrowserLogin.logIn(browser, root.toString(), "ob-nomodel", "ob-nomodel-password");
        browser.get(root + "jobs");
        waiting().until(d -> !d.findElements(By.id("start-job")).isEmpty());
        Page.click(browser, "start-job");
        waiting().until(d -> Boolean.TRUE.equals(js("return [...document.querySelectorAll('.job-form vaadin-select')]"
                + ".some(s => s.invalid && (s.errorMessage || '').includes('no model yet'));")));
        // an engineer of no project: the project field says there is none
        Api.newUser("ob-noproject", "engineer");
        BrowserLogin.logIn(browser, root.toString(), "ob-noproject", "ob-noproject-password");
        browser.get(root + "jobs");
        waiting().until(d -> !d.findElements(By.id("start-job")).isEmpty());
        Page.click(browser, "start-job");
        waiting().until(d -> Boolean.TRUE.equals(js("return [...document.querySelectorAll('.job-form vaadin-select')]"
                + ".some(s => s.invalid && (s.errorMessage || '').includes('No project yet'));")));
        // the API: a job names its model, and with it its project
        given().contentType(ContentType.JSON).body(Map.of("type", "saliency", "methods",
                        List.of(Map.of("name", "vanilla-gradient")), "samples", Map.of("split", "test")))
                .post("/api/jobs").then().statusCode(400).body("error", equalTo("Missing modelId"))
                .body("detail", containsString("project"));
    }

    @Test
    void aWrongPasswordKeepsTheUsername() {
        Api.newUser("ob-login", "expert");
        browser.manage().deleteAllCookies();
        browser.get(root + "login");
        var user = waiting().until(d -> d.findElement(By.cssSelector("#vaadinLoginUsername input")));
        user.sendKeys("ob-login");
        var pw = browser.findElement(By.cssSelector("#vaadinLoginPassword input"));
        pw.sendKeys("not-the-password");
        pw.sendKeys(Keys.ENTER);
        waiting().until(d -> Boolean.TRUE.equals(js("return document.querySelector('vaadin-login-form').error === true;")));
        assertEquals("ob-login", js("return document.getElementById('vaadinLoginUsername').value;"));
        assertEquals("", js("return document.getElementById('vaadinLoginPassword').value;"));
        // and the next try with the right password goes in
        var again = browser.findElement(By.cssSelector("#vaadinLoginPassword input"));
        again.sendKeys("ob-login-password");
        again.sendKeys(Keys.ENTER);
        waiting().until(d -> Page.text(d, "current-user").startsWith("ob-login "));
    }

    @Test
    void theNewUserFormShowsEveryProblemAtItsField() {
        Api.newUser("ob-admin", "admin");
        BrowserLogin.logIn(browser, root.toString(), "ob-admin", "ob-admin-password");
        browser.get(root + "users");
        waiting().until(d -> !d.findElements(By.id("new-user")).isEmpty());
        Page.click(browser, "new-user");
        waiting().until(d -> !d.findElements(By.id("user-save")).isEmpty());
        type("user-username", "Bad Name");
        type("user-password", "short");
        Page.click(browser, "user-save");
        waiting().until(d -> invalid("user-username") && invalid("user-password"));
        assertTrue(errorOf("user-username").contains("'Bad Name' is not allowed"), errorOf("user-username"));
        assertTrue(errorOf("user-password").contains("at least 10 characters"), errorOf("user-password"));
        assertEquals(0L, js("return document.querySelectorAll('vaadin-notification-card').length;"),
                "no toast over the form");
        // a taken name shows at the username field too
        type("user-username", "ob-admin");
        type("user-password", "long-enough-password");
        Page.click(browser, "user-save");
        waiting().until(d -> invalid("user-username") && errorOf("user-username").contains("exists"));
        assertFalse(invalid("user-password"));
    }
}
