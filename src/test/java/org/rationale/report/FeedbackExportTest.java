package org.rationale.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rationale.audit.AuditChain;
import org.rationale.imaging.ImageCodec;
import org.rationale.testing.Api;
import org.rationale.testing.PostgresTestResource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The feedback export read back: two experts' verdicts and two painted masks on a project with the
 * fixture CNN, downloaded by an auditor as a zip whose JSONL, PNG masks, COCO RLE and Label Studio
 * brush RLE all give back what was stored; the download is an audit event with the zip's hash.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class FeedbackExportTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static long project;
    static long model;
    static List<Long> samples;
    /** The shortcut mask painted on the first sample: a 4x3 box at (20, 2), 28x28. */
    static byte[] shortcut;
    /** The relevant mask painted on the first sample: a diagonal. */
    static byte[] relevant;

    @BeforeEach
    void reviewedProject() {
        if (project != 0) {
            return;
        }
        project = Api.newProject("feedback");
        Api.importIdx(project, 4, "train");
        model = Api.uploadFixtureCnn(project);
        given().contentType(ContentType.JSON).body(Map.of("overlap", 2)).put("/api/projects/" + project + "/review/settings")
                .then().statusCode(200);
        for (String who : List.of("fb-ann", "fb-bob")) {
            Api.addMember(project, Api.newUser(who, "expert"));
        }
        Api.addMember(project, Api.newUser("fb-auditor", "auditor"));
        Api.addMember(project, Api.newUser("fb-engineer", "engineer"));
        Api.newUser("fb-outsider", "auditor");
        samples = given().get("/api/projects/" + project + "/samples?limit=4").then().statusCode(200)
                .extract().jsonPath().getList("items.id", Long.class);
        shortcut = new byte[28 * 28];
        for (int y = 2; y < 5; y++) {
            for (int x = 20; x < 24; x++) {
                shortcut[y * 28 + x] = 1;
            }
        }
        relevant = new byte[28 * 28];
        for (int i = 0; i < 28; i++) {
            relevant[i * 28 + i] = 1;
        }
        long s0 = samples.get(0);
        long m0 = handedMap("fb-ann", s0);
        mask("fb-ann", s0, "shortcut", shortcut);
        mask("fb-ann", s0, "relevant", relevant);
        verdict("fb-ann", s0, m0, "reject", "looks at the corner");
        assertEquals(m0, handedMap("fb-bob", s0));
        verdict("fb-bob", s0, m0, "accept", null);
        long s1 = samples.get(1);
        verdict("fb-ann", s1, handedMap("fb-ann", s1), "unsure", "hard to say");
    }

    private long handedMap(String who, long sample) {
        var handed = Api.as(who).post("/api/projects/" + project + "/review/next?split=train&modelId=" + model).then().statusCode(200)
                .extract().jsonPath();
        assertEquals(sample, handed.getLong("sampleId"));
        return handed.getLong("saliencyMapId");
    }

    private static void verdict(String who, long sample, long map, String verdict, String comment) {
        Map<String, Object> body = new HashMap<>();
        body.put("saliencyMapId", map);
        body.put("verdict", verdict);
        if (comment != null) {
            body.put("comment", comment);
        }
        Api.as(who).contentType(ContentType.JSON).body(body).post("/api/samples/" + sample + "/reviews").then()
                .statusCode(201);
    }

    private static void mask(String who, long sample, String kind, byte[] mask) {
        Api.as(who).contentType(ContentType.JSON).body(Map.of("kind", kind, "mask",
                        Base64.getEncoder().encodeToString(mask), "version", 0))
                .post("/api/samples/" + sample + "/annotations").then().statusCode(201);
    }

    private static Response export(String who, long projectId, String query) {
        return Api.as(who).post("/api/projects/" + projectId + "/feedback-export" + query);
    }

    /** The zip's files by path. */
    static Map<String, byte[]> unzip(byte[] zip) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                files.put(e.getName(), in.readAllBytes());
            }
        }
        return files;
    }

    private static List<JsonNode> lines(byte[] jsonl) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : new String(jsonl, StandardCharsets.UTF_8).split("\n")) {
            if (!line.isEmpty()) {
                out.add(JSON.readTree(line));
            }
        }
        return out;
    }

    @Test
    void verdictsAreOneJsonLineEachWithTheirModelMapAndSample() throws Exception {
        Response r = export("fb-auditor", project, "");
        r.then().statusCode(200).contentType("application/zip")
                .header("Content-Disposition", containsString("rationale-feedback-project-" + project + ".zip"));
        Map<String, byte[]> files = unzip(r.asByteArray());
        List<JsonNode> verdicts = lines(files.get("verdicts.jsonl"));
        assertEquals(3, verdicts.size());
        JsonNode modelJson = JSON.readTree(given().get("/api/models/" + model).then().extract().asByteArray());
        JsonNode ann = verdicts.stream().filter(v -> v.get("reviewer").asText().equals("fb-ann")
                && v.get("sampleId").asLong() == samples.get(0)).findFirst().orElseThrow();
        assertEquals("reject", ann.get("verdict").asText());
        assertEquals("looks at the corner", ann.get("comment").asText());
        assertEquals("train", ann.get("split").asText());
        assertEquals(modelJson.get("version").asInt(), ann.get("modelVersion").asInt());
        assertEquals(modelJson.get("sha256").asText(), ann.get("modelSha256").asText());
        assertEquals("fixture-cnn", ann.get("modelName").asText());
        assertEquals("vanilla-gradient", ann.get("method").asText());
        assertTrue(ann.get("parameters").isObject());
        assertTrue(ann.get("target").isInt());
        JsonNode sample = JSON.readTree(given().get("/api/samples/" + samples.get(0)).then().extract().asByteArray());
        assertEquals(sample.get("source").asText(), ann.get("source").asText());
        assertEquals(sample.get("label").asInt(), ann.get("label").asInt());
        assertFalse(ann.get("reviewedAt").asText().isEmpty());
        assertEquals("masks/sample-" + samples.get(0) + "-shortcut.png", ann.get("masks").get("shortcut").asText());
        JsonNode bob = verdicts.stream().filter(v -> v.get("reviewer").asText().equals("fb-bob")).findFirst().orElseThrow();
        assertEquals("accept", bob.get("verdict").asText());
        assertTrue(bob.get("comment").isNull());
        assertEquals("unsure", verdicts.stream().filter(v -> v.get("sampleId").asLong() == samples.get(1))
                .findFirst().orElseThrow().get("verdict").asText());
    }

    @Test
    void masksArePngsAtImageResolutionWith255WherePainted() throws Exception {
        Map<String, byte[]> files = unzip(export("fb-engineer", project, "").then().statusCode(200).extract().asByteArray());
        ImageCodec.Pixels png = ImageCodec.decodePng(files.get("masks/sample-" + samples.get(0) + "-shortcut.png"));
        assertEquals(28, png.width());
        assertEquals(28, png.height());
        assertEquals(1, png.channels());
        for (int i = 0; i < shortcut.length; i++) {
            assertEquals(shortcut[i] == 1 ? 255 : 0, png.data()[i] & 0xff, "pixel " + i);
        }
        assertNotNull(files.get("masks/sample-" + samples.get(0) + "-relevant.png"));
        assertEquals(2, files.keySet().stream().filter(k -> k.startsWith("masks/")).count());
        assertNotNull(files.get("images/sample-" + samples.get(0) + ".png"));
        assertNotNull(files.get("images/sample-" + samples.get(1) + ".png"));
    }

    @Test
    void cocoRleDecodesToThePaintedMasks() throws Exception {
        Map<String, byte[]> files = unzip(export("fb-auditor", project, "").asByteArray());
        JsonNode coco = JSON.readTree(files.get("coco/annotations.json"));
        assertEquals(List.of("relevant", "shortcut"), List.of(coco.get("categories").get(0).get("name").asText(),
                coco.get("categories").get(1).get("name").asText()));
        assertEquals(2, coco.get("images").size());
        assertEquals(2, coco.get("annotations").size());
        for (JsonNode a : coco.get("annotations")) {
            assertEquals(samples.get(0).longValue(), a.get("image_id").asLong());
            String kind = a.get("category_id").asInt() == 1 ? "relevant" : "shortcut";
            byte[] want = kind.equals("shortcut") ? shortcut : relevant;
            JsonNode seg = a.get("segmentation");
            assertEquals(28, seg.get("size").get(0).asInt());
            byte[] got = CocoRle.decode(CocoRle.decompress(seg.get("counts").asText()), 28, 28);
            assertArrayEquals(want, got, kind);
            assertEquals(kind.equals("shortcut") ? 12 : 28, a.get("area").asInt());
            if (kind.equals("shortcut")) {
                assertEquals(List.of(20, 2, 4, 3), List.of(a.get("bbox").get(0).asInt(), a.get("bbox").get(1).asInt(),
                        a.get("bbox").get(2).asInt(), a.get("bbox").get(3).asInt()));
            }
            assertEquals(1, a.get("iscrowd").asInt());
        }
    }

    @Test
    void labelStudioTasksCarryTheImageAndBrushRleOfTheMasks() throws Exception {
        Map<String, byte[]> files = unzip(export("fb-auditor", project, "").asByteArray());
        JsonNode tasks = JSON.readTree(files.get("label-studio/tasks.json"));
        assertTrue(tasks.isArray());
        assertEquals(2, tasks.size());
        JsonNode task = null;
        for (JsonNode t : tasks) {
            if (t.get("data").get("sample_id").asLong() == samples.get(0)) {
                task = t;
            }
        }
        assertNotNull(task);
        String image = task.get("data").get("image").asText();
        assertEquals("/data/local-files/?d=images/sample-" + samples.get(0) + ".png", image);
        assertEquals(2, task.get("data").get("verdicts").size());
        JsonNode results = task.get("annotations").get(0).get("result");
        assertEquals(2, results.size());
        for (JsonNode r : results) {
            assertEquals("brushlabels", r.get("type").asText());
            assertEquals("tag", r.get("from_name").asText());
            assertEquals("image", r.get("to_name").asText());
            assertEquals(28, r.get("original_width").asInt());
            assertEquals(28, r.get("original_height").asInt());
            assertEquals("rle", r.get("value").get("format").asText());
            String kind = r.get("value").get("brushlabels").get(0).asText();
            JsonNode rle = r.get("value").get("rle");
            byte[] bytes = new byte[rle.size()];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) rle.get(i).asInt();
            }
            assertArrayEquals(kind.equals("shortcut") ? shortcut : relevant, LabelStudioBrush.decodeMask(bytes, 28, 28), kind);
        }
        String config = new String(files.get("label-studio/labeling-config.xml"), StandardCharsets.UTF_8);
        assertTrue(config.contains("<BrushLabels name=\"tag\" toName=\"image\">"), config);
        // the sample judged without masks is a task without annotations
        JsonNode other = tasks.get(0) == task ? tasks.get(1) : tasks.get(0);
        assertTrue(other.get("annotations") == null || other.get("annotations").isEmpty());
    }

    @Test
    void everyExportIsAnAuditEventWithTheZipsHashAndTheManifestHashesEveryFile() throws Exception {
        Response r = export("fb-auditor", project, "");
        byte[] zip = r.asByteArray();
        String sha = r.header("X-Export-Sha256");
        assertEquals(AuditChain.sha256(zip), sha);
        List<Map<String, Object>> events = given().get("/api/audit/events?projectId=" + project + "&limit=10000").then()
                .extract().jsonPath().getList("");
        Map<String, Object> last = events.get(events.size() - 1);
        assertEquals("feedback.export", last.get("action"));
        assertEquals("fb-auditor", last.get("actor"));
        assertTrue(last.get("payload").toString().contains("\"sha256\":\"" + sha + "\""), last.get("payload").toString());
        Map<String, byte[]> files = unzip(zip);
        JsonNode manifest = JSON.readTree(files.get("manifest.json"));
        assertEquals(3, manifest.get("verdicts").asInt());
        assertEquals(2, manifest.get("masks").asInt());
        assertFalse(manifest.get("empty").asBoolean());
        String readme = new String(files.get("README.txt"), StandardCharsets.UTF_8);
        for (JsonNode f : manifest.get("files")) {
            String path = f.get("path").asText();
            assertEquals(AuditChain.sha256(files.get(path)), f.get("sha256").asText(), path);
            assertTrue(readme.contains(f.get("sha256").asText() + "  " + path), path);
        }
        assertTrue(readme.contains("LABEL_STUDIO_LOCAL_FILES_DOCUMENT_ROOT"));
    }

    @Test
    void narrowsLikeTheReport() throws Exception {
        Map<String, byte[]> none = unzip(export("fb-auditor", project, "?from=2999-01-01").asByteArray());
        assertEquals(0, lines(none.get("verdicts.jsonl")).size());
        assertTrue(JSON.readTree(none.get("manifest.json")).get("empty").asBoolean());
        Map<String, byte[]> byModel = unzip(export("fb-auditor", project, "?modelId=" + model).asByteArray());
        assertEquals(3, lines(byModel.get("verdicts.jsonl")).size());
        assertEquals(2, JSON.readTree(byModel.get("manifest.json")).get("masks").asInt());
    }

    @Test
    void rejectsBadNarrowingAndCallersWithoutRights() {
        export("fb-auditor", project, "?from=yesterday").then().statusCode(400).contentType(ContentType.JSON)
                .body("error", containsString("Invalid from"));
        export("fb-auditor", project, "?from=2026-12-01&to=2026-11-01").then().statusCode(400)
                .body("error", equalTo("Empty time range"));
        export("fb-auditor", project, "?round=first").then().statusCode(400);
        export("fb-auditor", project, "?round=9").then().statusCode(404);
        long other = Api.newProject("feedback other");
        long otherModel = Api.uploadFixtureCnn(other);
        export("fb-auditor", project, "?modelId=" + otherModel).then().statusCode(400)
                .body("error", containsString("Unknown model"));
        export("fb-ann", project, "").then().statusCode(403);
        export("fb-outsider", project, "").then().statusCode(403);
        given().post("/api/projects/987654/feedback-export").then().statusCode(404);
        // a GET writes nothing: the export is a POST
        Api.as("fb-auditor").get("/api/projects/" + project + "/feedback-export").then().statusCode(405);
    }

    @Test
    void aProjectWithoutReviewsExportsAValidZipThatSaysSo() throws Exception {
        long empty = Api.newProject("feedback empty");
        Response r = given().post("/api/projects/" + empty + "/feedback-export");
        r.then().statusCode(200).contentType("application/zip");
        Map<String, byte[]> files = unzip(r.asByteArray());
        assertEquals(0, files.get("verdicts.jsonl").length);
        JsonNode coco = JSON.readTree(files.get("coco/annotations.json"));
        assertEquals(0, coco.get("annotations").size());
        assertEquals(0, JSON.readTree(files.get("label-studio/tasks.json")).size());
        assertTrue(JSON.readTree(files.get("manifest.json")).get("empty").asBoolean());
        assertTrue(new String(files.get("README.txt"), StandardCharsets.UTF_8).contains("This export is empty"));
    }
}
