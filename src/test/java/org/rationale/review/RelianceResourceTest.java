package org.rationale.review;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rationale.testing.Api;
import org.rationale.testing.PostgresTestResource;
import org.rationale.testing.RealModels;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reliance by intervention through the API, on a real TorchScript model built to look only at the
 * 4×4 top-left patch ({@link RealModels#cornerPatch}): hiding the patch flips every decision,
 * hiding anything else changes nothing.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class RelianceResourceTest {

    private long project;
    private long model;
    /** A training sample of class 0 (bright patch). */
    private long bright;

    @BeforeEach
    void projectWithThePatchModel() throws IOException {
        project = Api.newProject("reliance");
        byte[][] d = patchImages(16, 3);
        given().multiPart("images", "p.idx", d[0], "application/octet-stream")
                .multiPart("labels", "pl.idx", d[1], "application/octet-stream")
                .multiPart("classNames", "bright,dark").multiPart("split", "train").multiPart("name", "patches")
                .post("/api/projects/" + project + "/datasets").then().statusCode(201);
        bright = given().get("/api/projects/" + project + "/samples?label=0").then().statusCode(200)
                .extract().jsonPath().getLong("items[0].id");
        String spec = "{\"name\":\"corner\",\"channels\":1,\"height\":28,\"width\":28,\"scale\":0.00392156862745098,"
                + "\"mean\":[0.0],\"std\":[1.0],\"classes\":[\"bright\",\"dark\"]}";
        model = given().multiPart("model", "corner.pt", Files.readAllBytes(RealModels.cornerPatch()),
                        "application/octet-stream").multiPart("spec", spec)
                .post("/api/projects/" + project + "/models").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    private String url(long sample) {
        return "/api/samples/" + sample + "/reliance?modelId=" + model;
    }

    @Test
    void hidingThePatchTheModelReadsFlipsEveryDraw() {
        JsonPath r = given().get(url(bright) + "&box=0,0,4,4").then().statusCode(200).extract().jsonPath();
        assertEquals("given region", r.getString("[0].region"));
        assertEquals(16, r.getInt("[0].regionPixels"));
        assertEquals("bright", r.getString("[0].targetName"));
        List<Map<String, Object>> figures = r.getList("[0].figures");
        assertEquals(List.of("mean", "blur", "other-classes"), figures.stream().map(f -> f.get("replacement")).toList());
        for (Map<String, Object> f : figures) {
            // patch mean 1 before: logits ±10, p = 1 / (1 + e^-20)
            assertEquals(1 / (1 + Math.exp(-20)), ((Number) f.get("before")).doubleValue(), 1e-6);
            if (f.get("replacement").equals("blur")) {
                // a blur clamps at the image's edge: a corner patch keeps most of its brightness, so no flip is due
                assertTrue(((Number) f.get("drop")).doubleValue() >= 0, f.toString());
                continue;
            }
            assertEquals(1.0, ((Number) f.get("flipRate")).doubleValue(), f.toString());
            assertTrue(((Number) f.get("drop")).doubleValue() > 0.9, f.toString());
        }
        // the 8 dark-patch images of the other class: every draw pastes a black patch, p = 1 / (1 + e^20)
        assertEquals(8, ((Number) figures.get(2).get("draws")).intValue());
        assertEquals(8, ((Number) figures.get(2).get("flips")).intValue());
        assertEquals(1 / (1 + Math.exp(20)), ((Number) figures.get(2).get("after")).doubleValue(), 1e-6);
    }

    @Test
    void hidingARegionTheModelIgnoresChangesNothing() {
        JsonPath r = given().get(url(bright) + "&box=10,10,12,12&draws=5&seed=4").then().statusCode(200)
                .extract().jsonPath();
        List<Map<String, Object>> figures = r.getList("[0].figures");
        assertEquals(3, figures.size());
        for (Map<String, Object> f : figures) {
            assertEquals(0.0, ((Number) f.get("flipRate")).doubleValue(), f.toString());
            assertEquals(0.0, ((Number) f.get("drop")).doubleValue(), 1e-6, f.toString());
        }
        assertEquals(5, ((Number) figures.get(2).get("draws")).intValue());
    }

    @Test
    void aPngMaskIsTheRegionItsNonBlackPixelsCover() {
        given().contentType("image/png").body(png(28, 28, 0, 0, 4, 4)).post(url(bright)).then().statusCode(200)
                .body("region", equalTo("given region")).body("regionPixels", equalTo(16))
                .body("figures[2].flipRate", equalTo(1.0f));
    }

    @Test
    void aPaintedShortcutMaskIsTestedPerSampleAndForTheModel() {
        given().get("/api/models/" + model + "/reliance").then().statusCode(404)
                .body("detail", containsString("no painted shortcut mask"));
        given().get(url(bright)).then().statusCode(400).body("detail", containsString("give a region"));
        byte[] mask = new byte[28 * 28];
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                mask[y * 28 + x] = 1;
            }
        }
        given().contentType(ContentType.JSON).body(Map.of("kind", "shortcut", "mask",
                Base64.getEncoder().encodeToString(mask), "version", 0))
                .post("/api/samples/" + bright + "/annotations").then().statusCode(201);
        given().get(url(bright)).then().statusCode(200).body("size()", equalTo(1))
                .body("[0].region", equalTo("painted shortcut mask")).body("[0].figures[2].flipRate", equalTo(1.0f));
        JsonPath m = given().get("/api/models/" + model + "/reliance").then().statusCode(200).extract().jsonPath();
        assertEquals(1, m.getInt("regions"));
        assertEquals(1.0, m.getDouble("byReplacement.other-classes.flipRate"), 0.0);
    }

    @Test
    void badRegionsAndCountsAreRefusedInWords() {
        given().get(url(bright) + "&box=26,26,4,4").then().statusCode(400)
                .body("error", equalTo("Region outside the image"));
        given().get(url(bright) + "&box=1,2,3").then().statusCode(400).body("detail", containsString("x,y,width,height"));
        given().get(url(bright) + "&box=0,0,4,4&draws=33").then().statusCode(400)
                .body("detail", containsString("1 to 32"));
        given().get(url(bright) + "&box=0,0,4,4&draws=many").then().statusCode(400);
        given().get("/api/samples/" + bright + "/reliance?box=0,0,4,4").then().statusCode(400)
                .body("error", equalTo("Missing modelId"));
        given().contentType("image/png").body(png(20, 20, 0, 0, 4, 4)).post(url(bright)).then().statusCode(400)
                .body("error", equalTo("Mask does not fit the image"));
        given().contentType("image/png").body(png(28, 28, 0, 0, 0, 0)).post(url(bright)).then().statusCode(400)
                .body("error", equalTo("Empty region"));
        given().contentType("image/png").body(new byte[] {1, 2, 3}).post(url(bright)).then().statusCode(400);
        long other = Api.newProject("reliance-other");
        Api.importIdx(other, 2, "train");
        long foreign = given().get("/api/projects/" + other + "/samples").then().extract().jsonPath().getLong("items[0].id");
        given().get(url(foreign) + "&box=0,0,4,4").then().statusCode(400)
                .body("error", equalTo("Sample not in the model's project"));
        given().get("/api/models/" + model + "/reliance?regions=0").then().statusCode(400);
    }

    @Test
    void anOversizeMaskBodyIsRefusedBeforeItIsRead() {
        byte[] big = new byte[RelianceResource.MOST_MASK_BYTES + 1];
        given().contentType("image/png").body(big).post(url(bright)).then().statusCode(413)
                .body("error", equalTo("Mask too large")).body("detail", containsString("4 MiB"));
    }

    @Test
    void aMaskWhoseHeaderClaimsAnotherSizeIsRefusedWithoutDecodingIt() {
        // only a header: 60000 x 60000 pixels claimed, no pixel data at all, so decoding would fail otherwise
        given().contentType("image/png").body(headerOnlyPng(60_000, 60_000)).post(url(bright)).then().statusCode(400)
                .body("error", equalTo("Mask does not fit the image"))
                .body("detail", containsString("60000x60000")).body("detail", containsString("28x28"));
        given().contentType("image/png").body(png(28, 28, 0, 0, 4, 4)).post("/api/samples/987654/reliance?modelId="
                + model).then().statusCode(404);
    }

    @Test
    void theModelsRelianceIsForEngineersAndBoundedByTheSetting() {
        given().get("/api/models/" + model + "/reliance?regions=201").then().statusCode(400)
                .body("detail", containsString("1 to 200")).body("detail", containsString("rationale.reliance.most-regions"));
        String expert = "rel-expert-" + project;
        Api.addMember(project, Api.newUser(expert, "expert"));
        Api.as(expert).get("/api/models/" + model + "/reliance").then().statusCode(403);
    }

    /** A PNG signature and an IHDR chunk claiming the size, nothing after it. */
    private static byte[] headerOnlyPng(int w, int h) {
        ByteBuffer ihdr = ByteBuffer.allocate(17).put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt(w).putInt(h)
                .put((byte) 8).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0);
        CRC32 crc = new CRC32();
        crc.update(ihdr.array());
        return ByteBuffer.allocate(8 + 4 + 17 + 4).put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'})
                .putInt(13).put(ihdr.array()).putInt((int) crc.getValue()).array();
    }

    /** n images: label i % 2, the top-left 4×4 patch white for 0 and black for 1, dim noise elsewhere. */
    private static byte[][] patchImages(int n, long seed) {
        Random r = new Random(seed);
        ByteBuffer images = ByteBuffer.allocate(16 + n * 784).putInt(0x803).putInt(n).putInt(28).putInt(28);
        ByteBuffer labels = ByteBuffer.allocate(8 + n).putInt(0x801).putInt(n);
        for (int i = 0; i < n; i++) {
            int label = i % 2;
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    images.put((byte) (x < 4 && y < 4 ? (label == 0 ? 255 : 0) : r.nextInt(80)));
                }
            }
            labels.put((byte) label);
        }
        return new byte[][] {images.array(), labels.array()};
    }

    /** A gray PNG, white inside the box, black elsewhere. */
    private static byte[] png(int w, int h, int x0, int y0, int bw, int bh) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = y0; y < y0 + bh; y++) {
            for (int x = x0; x < x0 + bw; x++) {
                img.getRaster().setSample(x, y, 0, 255);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }
}
