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
import java.util.Map;
import java.util.Set;

import static io.restassured.RestAssured.given;
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
}
