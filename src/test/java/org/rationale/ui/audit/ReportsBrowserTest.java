package org.rationale.ui.audit;

import org.openqa.selenium.By;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.rationale.audit.AuditChain;
import org.rationale.testing.Api;
import org.rationale.testing.BrowserLogin;
import org.rationale.testing.BrowserTest;
import org.rationale.testing.BrowserDownload;
import org.rationale.testing.PostgresTestResource;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An auditor downloads a project's report in all four formats from the reports page and verifies the chain. */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class ReportsBrowserTest extends BrowserTest {

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
        WebDriverWait wait = waiting();
        wait.until(d -> !text("report-exports").isEmpty() || d.findElements(By.id("download-pdf")).size() > 0);
        Map<String, String> magic = Map.of("pdf", "%PDF-", "html", "<!DOCTYPE html>", "json", "{\"reportVersion\"",
                "csv", "review_id,time");
        Map<String, String> hashes = new HashMap<>();
        String firstHref = null;
        String lastHref = null;
        for (String format : List.of("pdf", "html", "json", "csv")) {
            BrowserDownload got = BrowserDownload.press(browser, "download-" + format, Duration.ofSeconds(60));
            assertTrue(got.download(), format + " is handed to the browser as a download");
            assertTrue(got.text().startsWith(magic.get(format)), format + ": " + got.text().substring(0, 16));
            assertTrue(got.bytes().length > 100, format + ": " + got.bytes().length + " bytes");
            assertTrue(got.disposition().contains("attachment"), format + ": " + got.disposition());
            hashes.put(format, AuditChain.sha256(got.bytes()));
            firstHref = firstHref == null ? got.href() : firstHref;
            lastHref = got.href();
        }
        // four exports in the audit trail, by the auditor, each with the hash of the file the browser got
        List<Map<String, Object>> events = given().get("/api/audit/events?projectId=" + p).then().extract().jsonPath().getList("");
        List<Map<String, Object>> exports = events.stream().filter(e -> e.get("action").equals("report.export")).toList();
        assertEquals(4, exports.size());
        assertTrue(exports.stream().allMatch(e -> e.get("actor").equals("rpb-auditor")));
        for (Map<String, Object> e : exports) {
            String payload = e.get("payload").toString();
            assertTrue(hashes.values().stream().anyMatch(h -> payload.contains("\"sha256\":\"" + h + "\"")), payload);
        }
        // the link the browser fetched served its file once: fetching it again makes and records nothing;
        // an earlier format's link is gone once the next file was made
        assertEquals(410, BrowserDownload.statusOf(browser, lastHref));
        assertEquals(404, BrowserDownload.statusOf(browser, firstHref));
        assertEquals(events.size(), given().get("/api/audit/events?projectId=" + p).then().extract().jsonPath()
                .getList("").size(), "a GET of a download link writes no audit event");

        js("document.getElementById('verify-chain').click();");
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
        wait.until(d -> String.valueOf(js("return document.body.innerText;"))
                .contains("Could not navigate"));
        assertTrue(browser.findElements(By.id("download-pdf")).isEmpty(),
                "an expert sees no report downloads");
    }
}
