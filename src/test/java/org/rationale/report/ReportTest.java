package org.rationale.report;

import org.rationale.dataset.Dataset;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import javax.imageio.ImageIO;
import org.apache.pdfbox.rendering.PDFRenderer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rationale.audit.AuditChain;
import org.rationale.testing.Api;
import org.rationale.testing.PostgresTestResource;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reports in every format, checked against the database: a project with two experts' verdicts
 * (one changed, one undone, comments that try to break CSV and HTML), a sanity check, then the
 * PDF read back with PDFBox, the JSON validated against its schema, the CSV parsed, the HTML escaped.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class ReportTest {

    private static final String TRICKY = "=HYPERLINK(\"http://x\"), <script>alert(1)</script>, \"edge\"";

    @Inject
    EntityManager em;

    static long project;
    static long model;

    /** Once for the class (the app is up only once a test runs). */
    @BeforeEach
    void reviewedProject() {
        if (project != 0) {
            return;
        }
        project = Api.newProject("reported");
        Api.importIdx(project, 8, "test");
        model = Api.uploadFixtureCnn(project);
        given().contentType(ContentType.JSON).body(Map.of("overlap", 2)).put("/api/projects/" + project + "/review/settings")
                .then().statusCode(200);
        for (String who : List.of("rep-ann", "rep-bob")) {
            Api.addMember(project, Api.newUser(who, "expert"));
        }
        Api.addMember(project, Api.newUser("rep-auditor", "auditor"));
        Api.newUser("rep-outsider", "auditor");
        List<Long> samples = given().get("/api/projects/" + project + "/samples?limit=8").then().statusCode(200)
                .extract().jsonPath().getList("items.id", Long.class);
        String[] annVerdicts = {"accept", "reject", "unsure", "accept", "reject"};
        String[] bobVerdicts = {"accept", "accept", "unsure", "reject", "reject"};
        for (int i = 0; i < 5; i++) {
            long s = samples.get(i);
            long m = handedMap("rep-ann", s);
            verdict("rep-ann", s, m, annVerdicts[i], i == 1 ? TRICKY : "ann on " + i, null);
            assertEquals(m, handedMap("rep-bob", s));
            verdict("rep-bob", s, m, bobVerdicts[i], null, null);
        }
        // ann changes her mind on sample 0; bob gives a verdict on sample 5 and undoes it
        long m0 = Api.as("rep-ann").post("/api/samples/" + samples.get(0) + "/saliency?modelId=" + model
                + "&method=vanilla-gradient").then().extract().jsonPath().getLong("id");
        verdict("rep-ann", samples.get(0), m0, "reject", "on second look: the corner", 1);
        long m5 = handedMap("rep-bob", samples.get(5));
        verdict("rep-bob", samples.get(5), m5, "accept", null, null);
        Api.as("rep-bob").post("/api/projects/" + project + "/review/undo").then().statusCode(200);
        given().post("/api/models/" + model + "/sanity?method=vanilla-gradient").then().statusCode(200);
        // ann paints a 4x4 shortcut on sample 1 and a 3x5 relevant area on sample 3
        shortcutSample = samples.get(1);
        relevantSample = samples.get(3);
        paint(shortcutSample, "shortcut", 0, 0, 4, 4);
        paint(relevantSample, "relevant", 10, 12, 3, 5);
    }

    static long shortcutSample;
    static long relevantSample;

    private static void paint(long sample, String kind, int x0, int y0, int w, int h) {
        byte[] mask = new byte[28 * 28];
        for (int y = y0; y < y0 + h; y++) {
            for (int x = x0; x < x0 + w; x++) {
                mask[y * 28 + x] = 1;
            }
        }
        Api.as("rep-ann").contentType(ContentType.JSON).body(Map.of("kind", kind, "mask",
                Base64.getEncoder().encodeToString(mask), "version", 0)).post("/api/samples/" + sample + "/annotations")
                .then().statusCode(201);
    }

    /** The map of the next sample handed to a reviewer, which must be the sample named (they come in id order). */
    private long handedMap(String who, long sample) {
        var handed = Api.as(who).post("/api/projects/" + project + "/review/next?modelId=" + model).then().statusCode(200)
                .extract().jsonPath();
        assertEquals(sample, handed.getLong("sampleId"));
        return handed.getLong("saliencyMapId");
    }

    private static void verdict(String who, long sample, long map, String verdict, String comment, Integer version) {
        Map<String, Object> body = new HashMap<>();
        body.put("saliencyMapId", map);
        body.put("verdict", verdict);
        if (comment != null) {
            body.put("comment", comment);
        }
        if (version != null) {
            body.put("version", version);
        }
        Api.as(who).contentType(ContentType.JSON).body(body).post("/api/samples/" + sample + "/reviews").then()
                .statusCode(201);
    }

    private Response download(String format, String query) {
        return Api.as("rep-auditor").post("/api/projects/" + project + "/report?format=" + format + query);
    }

    @SuppressWarnings("unchecked")
    private List<Object[]> storedVerdicts() {
        return QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery("select u.username, r.verdict, "
                + "coalesce(r.comment, ''), r.sample_id from reviews r join users u on u.id = r.user_id where r.project_id = ?1 "
                + "order by r.id").setParameter(1, project).getResultList());
    }

    private String modelSha() {
        return given().get("/api/models/" + model).then().extract().jsonPath().getString("sha256");
    }

    @Test
    void pdfReadsBackWithTheDatabasesContents() throws Exception {
        Response r = download("pdf", "");
        r.then().statusCode(200).contentType("application/pdf")
                .header("Content-Disposition", containsString(".pdf"));
        byte[] pdf = r.asByteArray();
        String text;
        Path out = Path.of("target", "reports");
        Files.createDirectories(out);
        Files.write(out.resolve("report-test.pdf"), pdf);
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            assertTrue(doc.getNumberOfPages() >= 2, "pages: " + doc.getNumberOfPages());
            // table cells wrap long values: compare without any whitespace
            text = new PDFTextStripper().getText(doc).replaceAll("\\s+", "");
            // the first page as an image, to look at (and for the README)
            ImageIO.write(new PDFRenderer(doc).renderImageWithDPI(0, 80),
                    "png", out.resolve("report-test-page-1.png").toFile());
        }
        Files.writeString(out.resolve("report-test.txt"), text);
        String name = given().get("/api/projects/" + project).then().extract().jsonPath().getString("name");
        assertTrue(text.contains(squeeze("Audit report: " + name)), "title");
        assertTrue(text.contains(modelSha()), "model sha256");
        for (Object[] v : storedVerdicts()) {
            assertTrue(text.contains(squeeze(v[0] + " (expert)")), "reviewer " + v[0]);
            String comment = v[2].toString();
            if (!comment.isEmpty()) {
                assertTrue(text.contains(squeeze(comment)), "comment " + comment);
            }
        }
        assertTrue(text.contains(squeeze("Verdicts (" + storedVerdicts().size() + ")")), "verdict count");
        assertTrue(text.contains("vanilla-gradient"), "method");
        for (String s : List.of("Art. 12", "Art. 13", "Art. 14", "No causal guarantee", "Baseline sensitivity",
                "Gradient saturation", "Plausible maps from random models", "Chain intact", "Krippendorff", "changed", "undone")) {
            assertTrue(text.contains(squeeze(s)), s);
        }
        String head = given().get("/api/audit/verify").then().extract().jsonPath().getString("headHash");
        // the PDF shows the head before its own export event was appended
        String before = QuarkusTransaction.requiringNew().call(() -> (String) em.createNativeQuery(
                "select prev_hash from audit_events where hash = ?1").setParameter(1, head).getSingleResult());
        assertTrue(text.contains(before), "chain head hash in the PDF");
    }

    private static String squeeze(String s) {
        return s.replaceAll("\\s+", "");
    }

    @Test
    void jsonIsCompleteAndValidAgainstItsSchema() throws Exception {
        Response r = download("json", "");
        r.then().statusCode(200).contentType("application/json");
        ObjectMapper mapper = new ObjectMapper();
        JsonNode report = mapper.readTree(r.asByteArray());
        JsonSchema schema;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/resources/schemas/report.schema.json")) {
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        }
        Set<ValidationMessage> errors = schema.validate(report);
        assertTrue(errors.isEmpty(), errors.toString());
        List<Object[]> stored = storedVerdicts();
        assertEquals(stored.size(), report.get("verdicts").size());
        List<String> got = new ArrayList<>();
        report.get("verdicts").forEach(v -> got.add(v.get("reviewer").asText() + "/" + v.get("verdict").asText()));
        List<String> want = stored.stream().map(v -> v[0] + "/" + v[1]).sorted().toList();
        assertEquals(want, got.stream().sorted().toList());
        assertEquals(modelSha(), report.get("models").get(0).get("sha256").asText());
        assertEquals(2, report.get("overrides").size(), report.get("overrides").toString());
        assertEquals(List.of("changed", "undone"), List.of(report.get("overrides").get(0).get("action").asText(),
                report.get("overrides").get(1).get("action").asText()));
        assertTrue(report.get("audit").get("valid").asBoolean());
        JsonNode method = report.get("methods").get(0);
        assertEquals("vanilla-gradient", method.get("method").asText());
        assertTrue(Set.of("passed", "failed").contains(method.get("sanityCheck").asText()), "the sanity check is reported");
        assertEquals(1, report.get("models").get(0).get("sanityChecks").size());
        // a schema that fails on a wrong report: the same JSON with a verdict missing its reviewer
        ((ObjectNode) report.get("verdicts").get(0)).remove("reviewer");
        assertFalse(schema.validate(report).isEmpty());
        // the schema is served where the API docs say
        given().get("/schemas/report.schema.json").then().statusCode(200).body("title", equalTo("Rationale audit report"));
    }

    @Test
    void csvHasOneRowPerVerdictAndDefusesFormulas() {
        Response r = download("csv", "");
        r.then().statusCode(200).contentType(containsString("text/csv"));
        List<List<String>> rows = parseCsv(new String(r.asByteArray(), StandardCharsets.UTF_8));
        assertEquals(CsvReport.COLUMNS, rows.get(0));
        assertEquals(storedVerdicts().size() + 1, rows.size());
        int comment = CsvReport.COLUMNS.indexOf("comment");
        assertTrue(rows.stream().anyMatch(row -> row.get(comment).equals("'" + TRICKY)), "the formula is quoted and defused");
    }

    @Test
    void everyFormatGivesTheMaskAreasAndTheDatasetsFileNames() throws Exception {
        JsonNode report = new ObjectMapper().readTree(download("json", "").then().statusCode(200).extract().asByteArray());
        int checked = 0;
        for (JsonNode v : report.get("verdicts")) {
            long sample = v.get("sampleId").asLong();
            assertEquals(sample == relevantSample ? 15 : 0, v.get("masks").get("relevantPixels").asInt(), v.toString());
            assertEquals(sample == shortcutSample ? 16 : 0, v.get("masks").get("shortcutPixels").asInt(), v.toString());
            checked += sample == relevantSample || sample == shortcutSample ? 1 : 0;
        }
        assertEquals(4, checked, "both experts judged both painted samples");
        // uploaded as i.idx and l.idx (Api.importIdx); stored as "upload:i.idx+l.idx"
        assertEquals("i.idx + l.idx", report.get("project").get("datasets").get(0).get("origin").asText());

        List<List<String>> rows = parseCsv(new String(download("csv", "").then().statusCode(200).extract().asByteArray(),
                StandardCharsets.UTF_8));
        int sampleColumn = CsvReport.COLUMNS.indexOf("sample_id");
        int relevant = CsvReport.COLUMNS.indexOf("relevant_mask_pixels");
        int shortcut = CsvReport.COLUMNS.indexOf("shortcut_mask_pixels");
        for (List<String> row : rows.subList(1, rows.size())) {
            long sample = Long.parseLong(row.get(sampleColumn));
            assertEquals(sample == relevantSample ? "15" : "0", row.get(relevant), row.toString());
            assertEquals(sample == shortcutSample ? "16" : "0", row.get(shortcut), row.toString());
        }

        String html = download("html", "").then().statusCode(200).extract().asString();
        assertTrue(html.contains("shortcut 16 px") && html.contains("relevant 15 px"), "mask areas in the HTML");
        assertTrue(html.contains("i.idx + l.idx") && !html.contains("upload:"), "the origin as file names");
        assertTrue(html.contains("outlined: relevant (what should matter) in green"), "the outlines explained");
        try (PDDocument doc = Loader.loadPDF(download("pdf", "").then().statusCode(200).extract().asByteArray())) {
            String text = new PDFTextStripper().getText(doc).replaceAll("\\s+", "");
            assertTrue(text.contains("shortcut16px") && text.contains("i.idx+l.idx") && !text.contains("upload:"),
                    "mask areas and the origin in the PDF");
        }
    }

    @Test
    void aDatasetsOriginIsShownAsItsFileNamesNeverAServerFolder() {
        assertEquals("photos.zip", Dataset.fileNames("upload:photos.zip"));
        assertEquals("x.zip", Dataset.fileNames("path:/srv/data/x.zip"));
        assertEquals("train-images-idx3-ubyte.gz + train-labels-idx1-ubyte.gz", Dataset.fileNames(
                "path:/srv/fm/train-images-idx3-ubyte.gz+/srv/fm/train-labels-idx1-ubyte.gz"));
        assertEquals("t10k-images-idx3-ubyte.gz",
                Dataset.fileNames("demo:/tmp/rationale-demo81726/t10k-images-idx3-ubyte.gz"));
        assertEquals("scans.zip", Dataset.fileNames("path:C:\\data\\scans.zip"));
        assertEquals("scans.zip", Dataset.fileNames("scans.zip"));
    }

    @Test
    void htmlEscapesWhatReviewersWrote() {
        String html = download("html", "").then().statusCode(200).contentType(containsString("text/html")).extract().asString();
        assertFalse(html.contains("<script>alert(1)</script>"));
        assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assertTrue(html.contains("id=\"chain-status\""));
    }

    @Test
    void everyExportIsAnAuditEventWithTheReportsHash() {
        Response r = download("csv", "");
        String sha = r.header("X-Report-Sha256");
        assertEquals(AuditChain.sha256(r.asByteArray()), sha);
        List<Map<String, Object>> events = given().get("/api/audit/events?projectId=" + project + "&limit=10000").then()
                .extract().jsonPath().getList("");
        Map<String, Object> last = events.get(events.size() - 1);
        assertEquals("report.export", last.get("action"));
        assertEquals("rep-auditor", last.get("actor"));
        assertTrue(last.get("payload").toString().contains("\"sha256\":\"" + sha + "\""), last.get("payload").toString());
    }

    private static List<Map<String, Object>> events() {
        return given().get("/api/audit/events?projectId=" + project + "&limit=10000").then().statusCode(200)
                .extract().jsonPath().getList("");
    }

    @Test
    void aGetMakesNoReportAndWritesNothing() {
        int before = events().size();
        Api.as("rep-auditor").get("/api/projects/" + project + "/report?format=pdf").then().statusCode(405)
                .contentType(ContentType.JSON).header("Allow", "POST")
                .body("error", equalTo("Method not allowed"))
                .body("detail", containsString("POST /api/projects/" + project + "/report"));
        Api.as("rep-auditor").get("/api/projects/" + project + "/report?format=csv&round=1").then().statusCode(405);
        assertEquals(before, events().size(), "a GET adds no audit event");
    }

    @Test
    void aPostAddsExactlyOneAuditEvent() {
        int before = events().size();
        String sha = download("json", "").then().statusCode(200).extract().header("X-Report-Sha256");
        List<Map<String, Object>> after = events();
        assertEquals(before + 1, after.size(), "one export, one event");
        assertEquals("report.export", after.get(after.size() - 1).get("action"));
        assertTrue(after.get(after.size() - 1).get("payload").toString().contains(sha));
    }

    @Test
    void narrowsToAModelOrATimeRange() throws Exception {
        JsonNode none = new ObjectMapper().readTree(download("json", "&from=2999-01-01").asByteArray());
        assertEquals(0, none.get("verdicts").size());
        JsonNode byModel = new ObjectMapper().readTree(download("json", "&modelId=" + model).asByteArray());
        assertEquals(storedVerdicts().size(), byModel.get("verdicts").size());
        assertEquals(model, byModel.get("scope").get("modelId").asLong());
        // the scope in words names the version as people know it, not its database id
        JsonNode version = new ObjectMapper().readTree(given().get("/api/models/" + model).then().statusCode(200)
                .extract().asByteArray());
        assertEquals(version.get("name").asText() + " v" + version.get("version").asInt(),
                byModel.get("scope").get("description").asText());
    }

    @Test
    void rejectsBadRequestsAndOutsiders() {
        download("docx", "").then().statusCode(400).body("error", containsString("Unknown format"));
        download("pdf", "&from=yesterday").then().statusCode(400).body("error", containsString("Invalid from"));
        download("pdf", "&from=2026-12-01&to=2026-11-01").then().statusCode(400).body("error", equalTo("Empty time range"));
        download("pdf", "&round=9").then().statusCode(404);
        download("pdf", "&round=first").then().statusCode(400);
        long other = Api.newProject("reported other");
        long otherModel = Api.uploadFixtureCnn(other);
        download("json", "&modelId=" + otherModel).then().statusCode(400).body("error", containsString("Unknown model"));
        Api.as("rep-ann").post("/api/projects/" + project + "/report?format=pdf").then().statusCode(403);
        Api.as("rep-outsider").post("/api/projects/" + project + "/report?format=pdf").then().statusCode(403);
        given().post("/api/projects/987654/report?format=json").then().statusCode(404);
    }

    /** A small RFC 4180 reader. */
    static List<List<String>> parseCsv(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                row.add(cell.toString());
                cell.setLength(0);
            } else if (c == '\r') {
                continue;
            } else if (c == '\n') {
                row.add(cell.toString());
                cell.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
            } else {
                cell.append(c);
            }
        }
        return rows;
    }
}
