package org.rationale.ui.audit;

import org.openqa.selenium.By;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.rationale.testing.Api;
import org.rationale.testing.BrowserLogin;
import org.rationale.testing.Chromium;
import org.rationale.testing.Page;
import org.rationale.testing.PostgresTestResource;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An auditor downloads a project's report in all four formats from the reports page and verifies the chain. */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class ReportsBrowserTest {

    private static WebDriver browser;

    @TestHTTPResource("/")
    URL root;

    @BeforeAll
    static void start() {
        browser = Chromium.start();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
    }

    private static String text(String id) {
        return Page.text(browser, id);
    }

    /** Fetches what a download link points at with the page's own login, as clicking it would. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> fetch(String anchorId) {
        return (Map<String, Object>) ((JavascriptExecutor) browser).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "const a = document.getElementById('" + anchorId + "');"
                        + "fetch(a.href).then(r => r.arrayBuffer().then(b => done({status: r.status, size: b.byteLength,"
                        + " type: r.headers.get('content-type'), download: a.hasAttribute('download'),"
                        + " head: new TextDecoder().decode(new Uint8Array(b).slice(0, 16))})))"
                        + ".catch(e => done({status: -1, error: String(e)}));");
    }

    @Test
    void anAuditorDownloadsEveryFormatAndVerifiesTheChain() {
        long p = Api.newProject("reports in the browser");
        Api.importIdx(p, 4, "test");
        long model = Api.uploadFixtureCnn(p);
        Api.addMember(p, Api.newUser("rpb-reviewer", "expert"));
        Api.addMember(p, Api.newUser("rpb-auditor", "auditor"));
        var handed = Api.as("rpb-reviewer").post("/api/projects/" + p + "/review/next?modelId=" + model)
                .then().statusCode(200).extract().jsonPath();
        long sample = handed.getLong("sampleId");
        long map = handed.getLong("saliencyMapId");
        Api.as("rpb-reviewer").contentType(ContentType.JSON).body(Map.of("saliencyMapId", map, "verdict", "reject",
                "comment", "looks at the border")).post("/api/samples/" + sample + "/reviews").then().statusCode(201);

        BrowserLogin.logIn(browser, root.toString(), "rpb-auditor", "rpb-auditor-password");
        browser.get(root + "projects/" + p + "/reports");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
        wait.until(d -> !text("report-exports").isEmpty() || d.findElements(By.id("download-pdf")).size() > 0);
        Map<String, String> magic = Map.of("pdf", "%PDF-", "html", "<!DOCTYPE html>", "json", "{\"reportVersion\"",
                "csv", "review_id,time");
        for (String format : List.of("pdf", "html", "json", "csv")) {
            Map<String, Object> got = fetch("download-" + format);
            assertEquals(200L, ((Number) got.get("status")).longValue(), format + ": " + got);
            assertTrue(Boolean.TRUE.equals(got.get("download")), format + " is a download link");
            assertTrue(got.get("head").toString().startsWith(magic.get(format)), format + ": " + got.get("head"));
            assertTrue(((Number) got.get("size")).longValue() > 100, format + ": " + got);
        }
        // four exports in the audit trail, by the auditor, each with its hash
        List<Map<String, Object>> events = given().get("/api/audit/events?projectId=" + p).then().extract().jsonPath().getList("");
        List<Map<String, Object>> exports = events.stream().filter(e -> e.get("action").equals("report.export")).toList();
        assertEquals(4, exports.size());
        assertTrue(exports.stream().allMatch(e -> e.get("actor").equals("rpb-auditor")));

        ((JavascriptExecutor) browser).executeScript("document.getElementById('verify-chain').click();");
        wait.until(d -> text("chain-result").startsWith("Intact"));

        // an engineer may download too, but verification of the whole chain is for auditors and admins
        Api.addMember(p, Api.newUser("rpb-engineer", "engineer"));
        BrowserLogin.logIn(browser, root.toString(), "rpb-engineer", "rpb-engineer-password");
        browser.get(root + "projects/" + p + "/reports");
        wait.until(d -> d.findElements(By.id("download-pdf")).size() > 0);
        assertTrue(browser.findElements(By.id("verify-chain")).isEmpty());
        // an expert is not let in
        BrowserLogin.logIn(browser, root.toString(), "rpb-reviewer", "rpb-reviewer-password");
        browser.get(root + "projects/" + p + "/reports");
        wait.until(d -> String.valueOf(((JavascriptExecutor) d).executeScript("return document.body.innerText;"))
                .contains("Could not navigate"));
        assertTrue(browser.findElements(By.id("download-pdf")).isEmpty(),
                "an expert sees no report downloads");
    }
}
