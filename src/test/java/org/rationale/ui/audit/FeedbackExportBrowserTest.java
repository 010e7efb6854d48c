package org.rationale.ui.audit;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chromium.HasCdp;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.rationale.audit.AuditChain;
import org.rationale.testing.Api;
import org.rationale.testing.BrowserLogin;
import org.rationale.testing.BrowserTest;
import org.rationale.testing.BrowserDownload;
import org.rationale.testing.Page;
import org.rationale.testing.PostgresTestResource;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An auditor downloads the feedback zip from the reports page, in the scope chosen there; the
 * download is in the audit trail with its hash and listed on the page.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class FeedbackExportBrowserTest extends BrowserTest {

    @Test
    void anAuditorDownloadsTheFeedbackZipAndSeesItInTheTrail() throws IOException {
        long p = Api.newProject("feedback in the browser");
        Api.importIdx(p, 4, "test");
        long model = Api.uploadFixtureCnn(p);
        Api.addMember(p, Api.newUser("fxb-reviewer", "expert"));
        Api.addMember(p, Api.newUser("fxb-auditor", "auditor"));
        var handed = Api.as("fxb-reviewer").post("/api/projects/" + p + "/review/next?modelId=" + model)
                .then().statusCode(200).extract().jsonPath();
        long sample = handed.getLong("sampleId");
        byte[] mask = new byte[28 * 28];
        for (int y = 0; y < 4; y++) {
            for (int x = 24; x < 28; x++) {
                mask[y * 28 + x] = 1;
            }
        }
        Api.as("fxb-reviewer").contentType(ContentType.JSON).body(Map.of("kind", "shortcut", "mask",
                Base64.getEncoder().encodeToString(mask), "version", 0)).post("/api/samples/" + sample + "/annotations")
                .then().statusCode(201);
        Api.as("fxb-reviewer").contentType(ContentType.JSON).body(Map.of("saliencyMapId", handed.getLong("saliencyMapId"),
                "verdict", "reject", "comment", "looks at the corner patch")).post("/api/samples/" + sample + "/reviews")
                .then().statusCode(201);

        BrowserLogin.logIn(browser, root.toString(), "fxb-auditor", "fxb-auditor-password");
        browser.get(root + "projects/" + p + "/reports");
        WebDriverWait wait = waiting();
        wait.until(d -> d.findElements(By.id("download-feedback")).size() > 0);
        BrowserDownload zip = BrowserDownload.press(browser, "download-feedback", Duration.ofSeconds(60));
        assertTrue(zip.download(), "handed to the browser as a download");
        assertEquals("PK", zip.text().substring(0, 2), "a zip");
        assertTrue(zip.type().startsWith("application/zip"), zip.type());
        Map<String, Object> got = Map.of("sha", AuditChain.sha256(zip.bytes()));

        List<Map<String, Object>> events = given().get("/api/audit/events?projectId=" + p).then().extract().jsonPath()
                .getList("");
        List<Map<String, Object>> exports = events.stream().filter(e -> e.get("action").equals("feedback.export")).toList();
        assertEquals(1, exports.size());
        assertEquals("fxb-auditor", exports.get(0).get("actor"));
        assertTrue(exports.get(0).get("payload").toString().contains("\"sha256\":\"" + got.get("sha") + "\""),
                "the trail holds the hash of the bytes the browser got: " + exports.get(0).get("payload"));
        // the link served its zip once: a second fetch is refused and records nothing
        assertEquals(410, BrowserDownload.statusOf(browser, zip.href()));
        assertEquals(events.size(), given().get("/api/audit/events?projectId=" + p).then().extract().jsonPath()
                .getList("").size(), "a GET of a download link writes no audit event");

        // the page lists the download with its hash once it is shown again
        browser.get(root + "projects/" + p + "/reports");
        wait.until(d -> Page.text(d, "feedback-exports").contains(String.valueOf(got.get("sha"))));
        ((HasCdp) browser).executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", 1280, "height", 800,
                "deviceScaleFactor", 1, "mobile", false));
        js("document.getElementById('feedback-exports').scrollIntoView({block: 'end'});");
        screenshot(Path.of("target", "screenshots", "feedback-export.png"));
    }
}
