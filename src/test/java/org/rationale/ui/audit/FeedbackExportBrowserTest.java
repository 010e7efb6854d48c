package org.rationale.ui.audit;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chromium.HasCdp;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.rationale.testing.Api;
import org.rationale.testing.BrowserLogin;
import org.rationale.testing.Chromium;
import org.rationale.testing.Page;
import org.rationale.testing.PostgresTestResource;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
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
class FeedbackExportBrowserTest {

    private static WebDriver browser;

    @TestHTTPResource("/")
    URL root;

    @BeforeAll
    static void start() {
        browser = Chromium.start();
    }

    @AfterAll
    static void stop() {
        Chromium.quit(browser);
    }

    /** Fetches what the download link points at with the page's own login, as clicking it would. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> fetch(String anchorId) {
        return (Map<String, Object>) ((JavascriptExecutor) browser).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "const a = document.getElementById('" + anchorId + "');"
                        + "fetch(a.href).then(r => r.arrayBuffer().then(b => crypto.subtle.digest('SHA-256', b)"
                        + ".then(h => done({status: r.status, size: b.byteLength, type: r.headers.get('content-type'),"
                        + " download: a.hasAttribute('download'), head: new TextDecoder().decode(new Uint8Array(b).slice(0, 2)),"
                        + " sha: Array.from(new Uint8Array(h)).map(x => x.toString(16).padStart(2, '0')).join('')}))))"
                        + ".catch(e => done({status: -1, error: String(e)}));");
    }

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
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
        wait.until(d -> d.findElements(By.id("download-feedback")).size() > 0);
        Map<String, Object> got = fetch("download-feedback");
        assertEquals(200L, ((Number) got.get("status")).longValue(), got.toString());
        assertTrue(Boolean.TRUE.equals(got.get("download")), "a download link");
        assertEquals("PK", got.get("head"), "a zip");
        assertTrue(String.valueOf(got.get("type")).startsWith("application/zip"), got.toString());

        List<Map<String, Object>> events = given().get("/api/audit/events?projectId=" + p).then().extract().jsonPath()
                .getList("");
        List<Map<String, Object>> exports = events.stream().filter(e -> e.get("action").equals("feedback.export")).toList();
        assertEquals(1, exports.size());
        assertEquals("fxb-auditor", exports.get(0).get("actor"));
        assertTrue(exports.get(0).get("payload").toString().contains("\"sha256\":\"" + got.get("sha") + "\""),
                "the trail holds the hash of the bytes the browser got: " + exports.get(0).get("payload"));

        // the page lists the download with its hash once it is shown again
        browser.get(root + "projects/" + p + "/reports");
        wait.until(d -> Page.text(d, "feedback-exports").contains(String.valueOf(got.get("sha"))));
        ((HasCdp) browser).executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", 1280, "height", 800,
                "deviceScaleFactor", 1, "mobile", false));
        ((JavascriptExecutor) browser).executeScript(
                "document.getElementById('feedback-exports').scrollIntoView({block: 'end'});");
        Path shot = Path.of("target", "screenshots", "feedback-export.png");
        Files.createDirectories(shot.getParent());
        Files.write(shot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }
}
