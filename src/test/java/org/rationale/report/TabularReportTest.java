package org.rationale.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.rendering.PDFRenderer;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rationale.audit.AuditChain;
import org.rationale.dataset.DatasetService;
import org.rationale.dataset.FeatureSet;
import org.rationale.dataset.Sample;
import org.rationale.demo.DemoSeeder;
import org.rationale.model.TrainingService;
import org.rationale.project.ProjectService;
import org.rationale.testing.Api;
import org.rationale.testing.PostgresTestResource;

import javax.imageio.ImageIO;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reports of a tabular project (the tabular demo, its MLP trained as the demo trains it): five rows
 * judged by an expert, `site` marked as a shortcut on two of them. Every format has the tabular
 * section (the features, per reviewed row the top attributions with the row's values and the
 * feature sets marked), names `site`, and prints nothing made for images (pixel counts, thumbnails).
 * The PDF's first pages and the HTML are written to target/reports to look at.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class TabularReportTest {

    @Inject
    DemoSeeder seeder;
    @Inject
    ProjectService projects;
    @Inject
    DatasetService datasets;
    @Inject
    TrainingService training;

    static long project;
    static long model;
    static List<Long> marked;

    @BeforeEach
    void reviewedDemo() {
        if (project != 0) {
            return;
        }
        seeder.seedTabular();
        long p = projects.findByName(DemoSeeder.TABULAR_PROJECT_NAME).orElseThrow().id;
        long job = seeder.startTabularTraining();
        training.run(job);
        model = given().get("/api/jobs/" + job).then().statusCode(200).extract().jsonPath().getLong("result.modelId");
        Api.addMember(p, Api.newUser("tab-expert", "expert"));
        Api.addMember(p, Api.newUser("tab-auditor", "auditor"));
        String[] verdicts = {"reject", "accept", "reject", "unsure", "accept"};
        List<Long> judged = new ArrayList<>();
        for (int i = 0; i < verdicts.length; i++) {
            var handed = Api.as("tab-expert").post("/api/projects/" + p + "/review/next?modelId=" + model).then()
                    .statusCode(200).extract().jsonPath();
            long s = handed.getLong("sampleId");
            Api.as("tab-expert").contentType(ContentType.JSON).body(Map.of("saliencyMapId", handed.getLong("saliencyMapId"),
                    "verdict", verdicts[i], "comment", "row " + i)).post("/api/samples/" + s + "/reviews").then()
                    .statusCode(201);
            judged.add(s);
        }
        marked = List.of(judged.get(0), judged.get(2));
        for (long s : marked) {
            Sample sample = datasets.sample(s).orElseThrow();
            byte[] mask = FeatureSet.mask(datasets.datasetColumns(sample.datasetId), List.of("site"));
            Api.as("tab-expert").contentType(ContentType.JSON).body(Map.of("kind", "shortcut", "mask",
                    Base64.getEncoder().encodeToString(mask), "version", 0)).post("/api/samples/" + s + "/annotations")
                    .then().statusCode(201);
        }
        project = p;
    }

    private static byte[] download(String format) {
        Response r = Api.as("tab-auditor").post("/api/projects/" + project + "/report?format=" + format);
        r.then().statusCode(200);
        return r.asByteArray();
    }

    @Test
    void jsonHasTheFeaturesTheTopAttributionsAndTheSiteShortcutAndFitsItsSchema() throws Exception {
        JsonNode report = new ObjectMapper().readTree(download("json"));
        JsonSchema schema;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/resources/schemas/report.schema.json")) {
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        }
        Set<ValidationMessage> errors = schema.validate(report);
        assertTrue(errors.isEmpty(), errors.toString());
        assertEquals("tabular", report.get("project").get("modality").asText());
        JsonNode features = report.get("project").get("features");
        assertEquals(31, features.size());
        JsonNode site = null;
        for (JsonNode f : features) {
            if (f.get("name").asText().equals("site")) {
                site = f;
            }
        }
        assertEquals("categorical", site.get("type").asText());
        assertEquals(List.of("A", "B"), List.of(site.get("categories").get(0).asText(), site.get("categories").get(1).asText()));
        assertEquals(5, report.get("verdicts").size());
        int shortcuts = 0;
        for (JsonNode v : report.get("verdicts")) {
            JsonNode row = v.get("row");
            assertEquals(VerdictFacts.TOP_FEATURES, row.get("topAttributions").size(), v.toString());
            double previous = Double.MAX_VALUE;
            for (JsonNode a : row.get("topAttributions")) {
                double magnitude = Math.abs(a.get("attribution").asDouble());
                assertTrue(magnitude <= previous, "largest first: " + row);
                previous = magnitude;
                assertFalse(a.get("value").isNull(), "the row's value of " + a.get("feature"));
            }
            boolean siteShown = false;
            for (String list : List.of("topAttributions", "markedAttributions")) {
                for (JsonNode a : row.get(list)) {
                    siteShown |= a.get("feature").asText().equals("site");
                }
            }
            // a marked shortcut's attribution is always shown, among the top ones or after them with its rank
            if (marked.contains(v.get("sampleId").asLong())) {
                assertTrue(siteShown, row.toString());
            } else {
                assertEquals(0, row.get("markedAttributions").size(), row.toString());
            }
            for (JsonNode set : row.get("featureSets")) {
                assertEquals("shortcut", set.get("kind").asText());
                assertEquals("site", set.get("features").get(0).asText());
                assertTrue(marked.contains(v.get("sampleId").asLong()));
                shortcuts++;
            }
        }
        assertEquals(2, shortcuts);
    }

    @Test
    void csvHasFeatureColumnsInPlaceOfPixelCounts() throws Exception {
        String csv = new String(download("csv"), StandardCharsets.UTF_8);
        List<CSVRecord> records = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).build()
                .parse(new StringReader(csv)).getRecords();
        assertEquals(CsvReport.TABLE_COLUMNS, records.get(0).getParser().getHeaderNames());
        assertFalse(csv.contains("mask_pixels"));
        assertEquals(5, records.size());
        int site = 0;
        for (CSVRecord r : records) {
            boolean isMarked = marked.contains(Long.parseLong(r.get("sample_id")));
            assertEquals(isMarked ? "site" : "", r.get("shortcut_features"));
            assertEquals("", r.get("relevant_features"));
            assertEquals(VerdictFacts.TOP_FEATURES, r.get("top_attributions").split(";").length, r.get("top_attributions"));
            site += isMarked ? 1 : 0;
        }
        assertEquals(2, site);
    }

    @Test
    void htmlHasTheTabularSectionsAndNoImageArtefacts() throws Exception {
        String html = new String(download("html"), StandardCharsets.UTF_8);
        Path out = Path.of("target", "reports");
        Files.createDirectories(out);
        Files.writeString(out.resolve("tabular-report.html"), html);
        assertTrue(html.contains("<h3>Features (31)</h3>"), "features section");
        assertTrue(html.contains("<h2 id=\"reviewed-rows\">Reviewed rows</h2>"));
        assertTrue(html.contains("shortcut: site"));
        assertTrue(html.contains("<td>categorical</td><td>site</td><td>A, B</td>"), "site with its categories");
        assertTrue(html.contains("<td>numeric (30)</td>"), "the numeric features in one row");
        assertFalse(html.contains(" px"), "no pixel counts on rows");
        assertFalse(html.contains("×0"));
        assertFalse(html.contains("A sample of the decisions"), "no thumbnails section");
        assertFalse(html.contains("<img"), "no images without rounds");
    }

    @Test
    void pdfHasTheTabularSectionsAndNoImageArtefacts() throws Exception {
        byte[] pdf = download("pdf");
        Path out = Path.of("target", "reports");
        Files.createDirectories(out);
        Files.write(out.resolve("tabular-report.pdf"), pdf);
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            String text = new PDFTextStripper().getText(doc).replaceAll("\\s+", "");
            PDFRenderer renderer = new PDFRenderer(doc);
            for (int page = 0; page < doc.getNumberOfPages(); page++) {
                ImageIO.write(renderer.renderImageWithDPI(page, 100), "png",
                        out.resolve("tabular-report-page-" + (page + 1) + ".png").toFile());
            }
            assertTrue(text.contains("Features(31)"));
            assertTrue(text.contains("Reviewedrows"));
            assertTrue(text.contains("shortcut:site"));
            assertFalse(text.contains("px"), "no pixel counts on rows");
            assertFalse(text.contains("Asampleofthedecisions"));
        }
    }

    /** The report's text without markup, scripts or styles, one line per block. */
    private static String visibleText(String html) {
        return html.replaceAll("(?s)<(script|style)[^>]*>.*?</\\1>", " ").replaceAll("<[^>]+>", " ")
                .replace("&nbsp;", " ").replaceAll("[ \t]+", " ");
    }

    /** The sentences of a text that name images, pixels or painting (an image-only phrase on a table). */
    static List<String> imageWords(String text) {
        List<String> found = new ArrayList<>();
        for (String sentence : text.split("(?<=[.!?:])\\s+|\\n")) {
            String lower = sentence.toLowerCase(Locale.ROOT);
            if (lower.contains("pixel") || lower.contains("painted") || lower.contains("image")) {
                found.add(sentence.trim());
            }
        }
        return found;
    }

    @Test
    void htmlTextSpeaksOfRowsAndFeaturesNotOfImagesPixelsOrPaintedRegions() {
        String html = new String(download("html"), StandardCharsets.UTF_8);
        List<String> found = imageWords(visibleText(html));
        assertEquals(List.of(), found, "image-only phrases on a tabular report");
    }

    @Test
    void pdfTextSpeaksOfRowsAndFeaturesNotOfImagesPixelsOrPaintedRegions() throws Exception {
        try (PDDocument doc = Loader.loadPDF(download("pdf"))) {
            List<String> found = imageWords(new PDFTextStripper().getText(doc));
            assertEquals(List.of(), found, "image-only phrases on a tabular report");
        }
    }

    private static Map<String, byte[]> feedback(String who, String query) throws Exception {
        Response r = Api.as(who).post("/api/projects/" + project + "/feedback-export" + query);
        r.then().statusCode(200).contentType("application/zip");
        return FeedbackExportTest.unzip(r.asByteArray());
    }

    private static List<JsonNode> jsonLines(byte[] bytes) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
            if (!line.isEmpty()) {
                out.add(new ObjectMapper().readTree(line));
            }
        }
        return out;
    }

    @Test
    void feedbackExportHasTheRowsValuesAndFeatureSetsByNameAndNoImageFiles() throws Exception {
        Map<String, byte[]> files = feedback("tab-auditor", "");
        assertEquals(List.of("verdicts.jsonl", "rows.csv", "feature-sets.jsonl", "manifest.json", "README.txt"),
                new ArrayList<>(files.keySet()));
        for (String path : files.keySet()) {
            assertFalse(path.endsWith(".png") || path.startsWith("images/") || path.startsWith("masks/")
                    || path.startsWith("coco/") || path.startsWith("label-studio/"), path);
        }
        List<String> columns = datasets.tableColumns(project).stream().map(c -> c.name()).toList();
        List<JsonNode> verdicts = jsonLines(files.get("verdicts.jsonl"));
        assertEquals(5, verdicts.size());
        int shortcuts = 0;
        for (JsonNode v : verdicts) {
            long s = v.get("sampleId").asLong();
            assertFalse(v.has("image"), v.toString());
            assertFalse(v.has("masks"), v.toString());
            assertEquals(columns.size(), v.get("row").size());
            assertTrue(Set.of("A", "B").contains(v.get("row").get("site").asText()), v.get("row").toString());
            assertEquals(model, v.get("modelId").asLong());
            JsonNode sets = v.get("featureSets");
            if (marked.contains(s)) {
                assertEquals(1, sets.size(), sets.toString());
                assertEquals("site", sets.get("shortcut").get(0).asText());
                assertEquals(1, sets.get("shortcut").size());
                shortcuts++;
            } else {
                assertEquals(0, sets.size(), sets.toString());
            }
        }
        assertEquals(2, shortcuts);

        List<CSVRecord> rows = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).build()
                .parse(new StringReader(new String(files.get("rows.csv"), StandardCharsets.UTF_8))).getRecords();
        List<String> header = new ArrayList<>();
        header.add("id");
        header.add("source");
        header.addAll(columns);
        header.add("label");
        assertEquals(header, rows.get(0).getParser().getHeaderNames());
        assertEquals(5, rows.size());
        for (CSVRecord r : rows) {
            long id = Long.parseLong(r.get("id"));
            JsonNode v = verdicts.stream().filter(j -> j.get("sampleId").asLong() == id).findFirst().orElseThrow();
            assertEquals(v.get("labelName").asText(), r.get("label"));
            assertEquals(given().get("/api/samples/" + id).then().statusCode(200).extract().jsonPath().getString("source"),
                    r.get("source"));
            assertFalse(r.get("source").isEmpty(), r.toString());
            assertEquals(v.get("row").get("site").asText(), r.get("site"));
            assertEquals(v.get("row").get("mean_radius").asDouble(), Double.parseDouble(r.get("mean_radius")), 1e-9);
        }

        List<JsonNode> sets = jsonLines(files.get("feature-sets.jsonl"));
        assertEquals(2, sets.size());
        for (JsonNode set : sets) {
            assertTrue(marked.contains(set.get("sampleId").asLong()));
            assertEquals("shortcut", set.get("kind").asText());
            assertEquals("site", set.get("features").get(0).asText());
            assertEquals("tab-expert", set.get("author").asText());
        }
        JsonNode manifest = new ObjectMapper().readTree(files.get("manifest.json"));
        assertEquals("tabular", manifest.get("modality").asText());
        assertEquals(2, manifest.get("featureSets").asInt());
        assertEquals(5, manifest.get("verdicts").asInt());
        String readme = new String(files.get("README.txt"), StandardCharsets.UTF_8);
        for (JsonNode f : manifest.get("files")) {
            String path = f.get("path").asText();
            assertEquals(AuditChain.sha256(files.get(path)), f.get("sha256").asText(), path);
            assertTrue(readme.contains(f.get("sha256").asText() + "  " + path), path);
        }
        assertTrue(readme.contains("rows.csv"));
        assertTrue(readme.contains("\"shortcut\": [\"site\"]"), readme);
        assertFalse(readme.contains("Label Studio"), readme);
        assertFalse(readme.toLowerCase(Locale.ROOT).contains("painted"), readme);
    }

    @Test
    void feedbackExportOfRowsNarrowsAndRejectsBadInputAsOnImages() throws Exception {
        Map<String, byte[]> none = feedback("tab-auditor", "?from=2999-01-01");
        assertEquals(0, none.get("verdicts.jsonl").length);
        assertEquals("id", new String(none.get("rows.csv"), StandardCharsets.UTF_8).split(",")[0]);
        assertTrue(new ObjectMapper().readTree(none.get("manifest.json")).get("empty").asBoolean());
        assertTrue(new String(none.get("README.txt"), StandardCharsets.UTF_8).contains("marked a feature set"));
        assertEquals(5, jsonLines(feedback("tab-auditor", "?modelId=" + model).get("verdicts.jsonl")).size());
        String base = "/api/projects/" + project + "/feedback-export";
        Api.as("tab-auditor").post(base + "?from=yesterday").then().statusCode(400).contentType(ContentType.JSON)
                .body("error", containsString("Invalid from"));
        Api.as("tab-auditor").post(base + "?from=2026-12-01&to=2026-11-01").then().statusCode(400)
                .body("error", equalTo("Empty time range"));
        Api.as("tab-auditor").post(base + "?round=first").then().statusCode(400);
        Api.as("tab-auditor").post(base + "?round=9").then().statusCode(404);
        Api.as("tab-auditor").post(base + "?modelId=987654").then().statusCode(400);
        Api.as("tab-expert").post(base).then().statusCode(403);
        Api.as("tab-auditor").get(base).then().statusCode(405);
    }
}
