package org.rationale.report;

import org.rationale.saliency.MapRendering;
import org.rationale.saliency.MapRenderingTest;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.rationale.testing.Api;
import org.rationale.testing.PostgresTestResource;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a report shows is what the expert saw: a thumbnail is the review canvas's layer over the image. */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class ReportThumbnailTest {

    @Inject
    ReportThumbnails reports;

    @Test
    void aReportThumbnailHasThePixelsOfTheReviewCanvas() throws IOException {
        long project = Api.newProject("thumbnail");
        Api.importIdx(project, 2, "test");
        long sample = given().get("/api/projects/" + project + "/samples").then().extract().jsonPath().getLong("items[0].id");
        long model = Api.uploadFixtureCnn(project);
        String url = "/api/samples/" + sample + "/saliency?modelId=" + model + "&method=vanilla-gradient";
        long mapId = given().post(url).then().statusCode(200).extract().jsonPath().getLong("id");
        // the stored (float16) values, which the review view sends to the canvas
        JsonPath stored = given().get(url).then().statusCode(200).extract().jsonPath();
        List<Float> values = stored.getList("values", Float.class);
        List<Integer> shape = stored.getList("shape", Integer.class);
        int channels = shape.get(0);
        int h = shape.get(1);
        int w = shape.get(2);
        float[] map = new float[values.size()];
        for (int i = 0; i < map.length; i++) {
            map[i] = values.get(i);
        }
        int[] layer = MapRenderingTest.canvasLayers(List.of(map), List.of(channels), List.of(MapRendering.REVIEW)).get(0);
        Raster image = ImageIO.read(new ByteArrayInputStream(given().get("/api/samples/" + sample + "/image.png")
                .then().statusCode(200).extract().asByteArray())).getRaster();
        BufferedImage thumbnail = ImageIO.read(new ByteArrayInputStream(reports.thumbnail(mapId).orElseThrow()));
        int zoom = thumbnail.getWidth() / w;
        assertEquals(4, zoom);
        int coloured = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int base = image.getNumBands() == 1 ? image.getSample(x, y, 0) * 0x010101
                        : image.getSample(x, y, 0) << 16 | image.getSample(x, y, 1) << 8 | image.getSample(x, y, 2);
                int seen = layer[y * w + x];
                coloured += seen >>> 24 > 0 ? 1 : 0;
                assertEquals(Integer.toHexString(MapRendering.over(base, seen)),
                        Integer.toHexString(thumbnail.getRGB(x * zoom + 1, y * zoom + 2) & 0xffffff), "pixel " + x + ", " + y);
            }
        }
        assertTrue(coloured > h * w / 4, "pixels the map colours: " + coloured);
        String html = given().post("/api/projects/" + project + "/report?format=html").then().statusCode(200).extract().asString();
        assertTrue(html.contains("(channels summed) divided by its 99th percentile") && html.contains("colormap inferno"),
                "the report says how its maps are drawn");
    }

    /**
     * A sample judged with a 4x4 shortcut mask at its top-left corner and a 3x5 relevant mask at
     * (10, 12): its thumbnail in the HTML report is the plain thumbnail with the masks' borders in
     * the review canvas's colours, one thumbnail pixel wide (a quarter of a 4x zoomed image pixel),
     * and the map untouched inside; its caption gives both areas.
     */
    @Test
    void theReportsThumbnailOutlinesThePaintedMasks() throws IOException {
        long project = Api.newProject("thumbnail masks");
        Api.importIdx(project, 2, "test");
        long model = Api.uploadFixtureCnn(project);
        Api.addMember(project, Api.newUser("thumb-expert", "expert"));
        JsonPath handed = Api.as("thumb-expert").post("/api/projects/" + project + "/review/next?modelId=" + model)
                .then().statusCode(200).extract().jsonPath();
        long sample = handed.getLong("sampleId");
        long mapId = handed.getLong("saliencyMapId");
        Api.as("thumb-expert").contentType(ContentType.JSON).body(Map.of("saliencyMapId", mapId, "verdict", "reject"))
                .post("/api/samples/" + sample + "/reviews").then().statusCode(201);
        paint(sample, "shortcut", 0, 0, 4, 4);
        paint(sample, "relevant", 10, 12, 3, 5);

        String html = given().post("/api/projects/" + project + "/report?format=html").then().statusCode(200)
                .extract().asString();
        Matcher figure = Pattern.compile("<figure class=\"small\"><img alt=\"([^\"]*)\" src=\"data:image/png;base64,"
                + "([^\"]+)\"").matcher(html);
        assertTrue(figure.find(), "a thumbnail in the report");
        assertTrue(figure.group(1).contains("sample " + sample) && figure.group(1)
                .contains("masks: relevant 15 px, shortcut 16 px"), figure.group(1));
        BufferedImage outlined = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(figure.group(2))));
        BufferedImage plain = ImageIO.read(new ByteArrayInputStream(reports.thumbnail(mapId).orElseThrow()));
        assertEquals(112, outlined.getWidth());
        int pink = ReportThumbnails.SHORTCUT_RGB;
        int green = ReportThumbnails.RELEVANT_RGB;
        // the shortcut covers thumbnail pixels [0, 16) x [0, 16): its border is the ring at 0 and 15
        for (int[] p : List.of(new int[] {0, 5}, new int[] {15, 5}, new int[] {7, 0}, new int[] {7, 15})) {
            assertEquals(pink, rgb(outlined, p[0], p[1]), "shortcut border at " + p[0] + ", " + p[1]);
        }
        // the relevant mask covers [40, 52) x [48, 68)
        for (int[] p : List.of(new int[] {40, 50}, new int[] {51, 60}, new int[] {45, 48}, new int[] {45, 67})) {
            assertEquals(green, rgb(outlined, p[0], p[1]), "relevant border at " + p[0] + ", " + p[1]);
        }
        // inside the masks and elsewhere, the map as the review canvas draws it
        for (int[] p : List.of(new int[] {1, 1}, new int[] {8, 8}, new int[] {14, 14}, new int[] {16, 5},
                new int[] {41, 49}, new int[] {46, 58}, new int[] {39, 50}, new int[] {100, 100})) {
            assertEquals(rgb(plain, p[0], p[1]), rgb(outlined, p[0], p[1]), "map pixel at " + p[0] + ", " + p[1]);
        }
    }

    private static int rgb(BufferedImage img, int x, int y) {
        return img.getRGB(x, y) & 0xffffff;
    }

    private static void paint(long sample, String kind, int x0, int y0, int w, int h) {
        byte[] mask = new byte[28 * 28];
        for (int y = y0; y < y0 + h; y++) {
            for (int x = x0; x < x0 + w; x++) {
                mask[y * 28 + x] = 1;
            }
        }
        Api.as("thumb-expert").contentType(ContentType.JSON).body(Map.of("kind", kind, "mask",
                Base64.getEncoder().encodeToString(mask), "version", 0)).post("/api/samples/" + sample + "/annotations")
                .then().statusCode(201);
    }
}
