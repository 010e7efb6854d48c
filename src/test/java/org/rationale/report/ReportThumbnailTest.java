package org.rationale.report;

import org.rationale.saliency.MapRendering;
import org.rationale.saliency.MapRenderingTest;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
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
import java.util.List;

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
        String html = given().get("/api/projects/" + project + "/report?format=html").then().statusCode(200).extract().asString();
        assertTrue(html.contains("(channels summed) divided by its 99th percentile") && html.contains("colormap inferno"),
                "the report says how its maps are drawn");
    }
}
