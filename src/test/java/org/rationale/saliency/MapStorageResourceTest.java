package org.rationale.saliency;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rationale.testing.Api;
import org.rationale.testing.Fixtures;
import org.rationale.testing.PostgresTestResource;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Maps of a 3-channel model through the API: one plane a map by default, every channel on request
 * under a key of its own, and maps stored with every channel before planes read and drawn as before.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class MapStorageResourceTest {

    private static final int PIXELS = 28 * 28;

    @Inject
    MapStore store;

    @Inject
    MapOverlays overlays;

    @Inject
    MapBatches batches;

    private long model;
    private long sample;

    /** Gray IDX images reach the RGB fixture CNN (3×28×28) as three equal channels. */
    @BeforeEach
    void rgbModel() {
        long project = Api.newProject("map-storage");
        Api.importIdx(project, 3, "test");
        sample = given().get("/api/projects/" + project + "/samples").then().extract().jsonPath().getLong("items[1].id");
        String spec = Api.modelSpec("rgb", 28, 10).replace("\"channels\":1", "\"channels\":3")
                .replace("\"mean\":[0.0]", "\"mean\":[0,0,0]").replace("\"std\":[1.0]", "\"std\":[1,1,1]");
        model = given().multiPart("model", "rgb.pt", rgbCnn(), "application/octet-stream").multiPart("spec", spec)
                .post("/api/projects/" + project + "/models").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    private static byte[] rgbCnn() {
        try {
            return Files.readAllBytes(Path.of("src/test/resources/fixtures/models/rgb.pt"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String url(String query) {
        return "/api/samples/" + sample + "/saliency?modelId=" + model + "&target=3&curves=false&" + query;
    }

    @Test
    void aMapIsOnePlaneByDefaultAndEveryChannelOnlyWhenAskedFor() {
        for (String method : List.of("vanilla-gradient", "integrated-gradients&steps=4", "occlusion&window=7&stride=7")) {
            JsonPath plane = given().post(url("method=" + method)).then().statusCode(200)
                    .body("shape", equalTo(List.of(1, 28, 28))).body("values", hasSize(PIXELS))
                    .body("storedBytes", equalTo(PIXELS * 2)).body("params.channels", nullValue())
                    .extract().jsonPath();
            JsonPath all = given().post(url("method=" + method + "&channels=all")).then().statusCode(200)
                    .body("shape", equalTo(List.of(3, 28, 28))).body("values", hasSize(3 * PIXELS))
                    .body("storedBytes", equalTo(3 * PIXELS * 2)).body("params.channels", equalTo("all"))
                    .extract().jsonPath();
            assertNotEquals(plane.getLong("id"), all.getLong("id"), method + ": a plane and every channel are two maps");
            given().get(url("method=" + method + "&channels=plane")).then().statusCode(200)
                    .body("id", equalTo(plane.getInt("id")));
            List<Float> p = plane.getList("values", Float.class);
            List<Float> a = all.getList("values", Float.class);
            boolean spatial = method.startsWith("occlusion");
            for (int i = 0; i < PIXELS; i++) {
                double expected = spatial ? a.get(i) : a.get(i) + a.get(PIXELS + i) + a.get(2 * PIXELS + i);
                // both stored in float16: the sum of three rounded values against the rounded sum
                assertEquals(expected, p.get(i), (Math.abs(a.get(i)) + Math.abs(a.get(PIXELS + i))
                        + Math.abs(a.get(2 * PIXELS + i))) * 0x1p-10 + 1e-7, method + " pixel " + i);
            }
        }
    }

    @Test
    void aBadChannelsValueIsA400NamingTheParameter() {
        given().post(url("method=vanilla-gradient&channels=rgb")).then().statusCode(400)
                .body("error", equalTo("Invalid channels 'rgb' for vanilla-gradient"))
                .body("detail", containsString("plane")).body("detail", containsString("all"));
        given().get(url("method=grad-cam&channels=")).then().statusCode(400).body("error", startsWith("Invalid channels"));
        given().get("/api/samples/" + sample + "/saliency.png?modelId=" + model + "&method=occlusion&channels=3")
                .then().statusCode(400).body("error", startsWith("Invalid channels"));
        given().contentType(ContentType.JSON).body(Map.of("type", "saliency", "modelId", model, "methods",
                List.of(Map.of("name", "vanilla-gradient", "params", Map.of("channels", "every"))), "samples",
                List.of(sample))).post("/api/jobs").then().statusCode(400).body("error", startsWith("Invalid channels"));
        given().get(url("method=vanilla-gradient")).then().statusCode(404);
    }

    @Test
    void aJobStoresPlanesAndEveryChannelApartAsAsked() {
        MapBatches.MapBatch batch = batches.computeMaps(List.of(sample), model, List.of(
                new MapBatches.MethodCall("gradient-x-input", Map.of("channels", "all")),
                new MapBatches.MethodCall("rise", Map.of("samples", "20"))), "3");
        batches.store(batch);
        given().get(url("method=gradient-x-input&channels=all")).then().statusCode(200)
                .body("shape", equalTo(List.of(3, 28, 28))).body("storedBytes", equalTo(3 * PIXELS * 2));
        // the plane was not asked for: it is not stored, and never answered from every channel
        given().get(url("method=gradient-x-input")).then().statusCode(404);
        given().get(url("method=rise&samples=20")).then().statusCode(200)
                .body("shape", equalTo(List.of(1, 28, 28))).body("storedBytes", equalTo(PIXELS * 2));
    }

    @Test
    void aJobWhoseFirstMethodIsAPlainGradientStoresEveryMapAsAPlane() {
        // the first plain gradient of a job gives the predictions and its maps in one pass
        MapBatches.MapBatch batch = batches.computeMaps(List.of(sample), model, List.of(
                new MapBatches.MethodCall("vanilla-gradient", Map.of()),
                new MapBatches.MethodCall("rise", Map.of("samples", "20"))), "predicted");
        batches.store(batch);
        String base = "/api/samples/" + sample + "/saliency?modelId=" + model + "&target=predicted&method=";
        for (String method : List.of("vanilla-gradient", "rise&samples=20")) {
            given().get(base + method).then().statusCode(200)
                    .body("shape", equalTo(List.of(1, 28, 28))).body("storedBytes", equalTo(PIXELS * 2));
        }
    }

    @Test
    void aMapStoredWithEveryChannelBeforePlanesIsReadAsAPlaneAndDrawnAsBefore() {
        Random r = new Random(7);
        float[] old = new float[3 * PIXELS];
        for (int i = 0; i < old.length; i++) {
            old[i] = (float) r.nextGaussian();
        }
        old = MapEncoding.rounded(old);
        NewMap before = new NewMap(new MapKey(sample, model, "vanilla-gradient", "", 3), 3, 28, 28,
                MapEncoding.encode(old), old, -1, 1, 0, "{}", null);
        long id = store.insert(before);
        JsonPath read = given().get(url("method=vanilla-gradient")).then().statusCode(200)
                .body("id", equalTo((int) id)).body("shape", equalTo(List.of(1, 28, 28)))
                .body("storedBytes", equalTo(3 * PIXELS * 2)).extract().jsonPath();
        float[] sum = MapRendering.sumChannels(old, 3, PIXELS);
        List<Float> values = read.getList("values", Float.class);
        for (int i = 0; i < PIXELS; i++) {
            assertEquals(sum[i], values.get(i), "pixel " + i);
        }
        // drawn from the plane (saliency.png) as from the three stored channels (the thumbnail path)
        BufferedImage now = Fixtures.decode(given().get("/api/samples/" + sample + "/saliency.png?modelId=" + model
                + "&target=3&method=vanilla-gradient&zoom=1&opacity=0.6").then().statusCode(200).extract().asByteArray());
        BufferedImage was = Fixtures.decode(overlays.overlayPng(id, 0.6, 1).orElseThrow());
        assertEquals(was.getWidth(), now.getWidth());
        for (int y = 0; y < was.getHeight(); y++) {
            for (int x = 0; x < was.getWidth(); x++) {
                assertEquals(was.getRGB(x, y), now.getRGB(x, y), "pixel " + x + "," + y);
            }
        }
        // asking for every channel never answers the old map, stored under the default key
        given().get(url("method=vanilla-gradient&channels=all")).then().statusCode(404);
    }
}
