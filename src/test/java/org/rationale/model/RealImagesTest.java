package org.rationale.model;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;
import org.rationale.saliency.ReferenceFixtures;
import org.rationale.testing.Api;
import org.rationale.testing.Fixtures;
import org.rationale.testing.LargeUploads;
import org.rationale.testing.PostgresTestResource;
import org.rationale.testing.RealModels;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.oneOf;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Photographs of other sizes than the model's (scikit-image's samples: 451×300, 400×328 gray,
 * 512×512, 640×480, 600×400 RGBA, 500×500 palette) reach the model through its fit: predictions
 * and maps succeed for each fit, and maps come back drawn in the image's own pixels. A torchvision
 * ResNet-18 (made by {@code src/test/python/make_resnet18.py}) is uploaded as an outside user would.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@TestProfile(LargeUploads.class)
class RealImagesTest {

    private static final String OCTETS = "application/octet-stream";
    private static long project;
    private static List<Map<String, Object>> samples;

    /** Imports the photographs once, in the first test (the application is not up before). */
    private static synchronized void importPhotos() throws IOException {
        if (samples != null) {
            return;
        }
        project = Api.newProject("photos");
        given().multiPart("archive", "photos.zip", Files.readAllBytes(RealModels.photosZip()), "application/zip")
                .multiPart("split", "train").post("/api/projects/" + project + "/datasets").then().statusCode(201);
        samples = given().get("/api/projects/" + project + "/samples?limit=100").then().statusCode(200)
                .extract().jsonPath().getList("items");
        assertEquals(6, samples.size());
    }

    /** The fixture CNN (1×28×28, 10 outputs) with the project's classes first and this fit. */
    private static long smallCnn(String fit) {
        String spec = Api.modelSpec("small-" + fit, 28, 10).replace("\"0\",\"1\"", "\"animal\",\"thing\"")
                .replace("}", ",\"fit\":\"" + fit + "\"}");
        return given().multiPart("model", "cnn.pt", ReferenceFixtures.bytes("cnn.pt"), OCTETS)
                .multiPart("spec", spec).post("/api/projects/" + project + "/models").then().statusCode(201)
                .body("fit", equalTo(fit)).extract().jsonPath().getLong("id");
    }

    private static long id(Map<String, Object> sample) {
        return ((Number) sample.get("id")).longValue();
    }

    private static int intOf(Map<String, Object> sample, String key) {
        return ((Number) sample.get(key)).intValue();
    }

    @Test
    void predictionsAndMapsOfPhotosOfOtherSizesSucceedForEveryFit() throws IOException {
        importPhotos();
        for (String fit : List.of("center-crop", "resize", "pad")) {
            long model = smallCnn(fit);
            for (Map<String, Object> s : samples) {
                long id = id(s);
                given().get("/api/samples/" + id + "/predictions?modelId=" + model).then().statusCode(200)
                        .body("predictedClass", oneOf("animal", "thing", "2", "3", "4", "5", "6", "7", "8", "9"));
                given().post("/api/samples/" + id + "/saliency?method=gradient-x-input&curves=false&modelId=" + model).then()
                        .statusCode(200).body("shape", contains(1, 28, 28));
                byte[] png = given().get("/api/samples/" + id + "/saliency.png?method=gradient-x-input&zoom=1&modelId="
                        + model).then().statusCode(200).extract().asByteArray();
                BufferedImage drawn = Fixtures.decode(png);
                assertEquals(intOf(s, "width"), drawn.getWidth(), fit + ": the map is drawn in the image's pixels");
                assertEquals(intOf(s, "height"), drawn.getHeight(), fit);
            }
        }
    }

    @Test
    void resnet18TracedByAnOutsideUserUploadsAndExplainsAPhoto() throws IOException {
        importPhotos();
        JsonPath v = given().multiPart("model", "resnet18.pt", Files.readAllBytes(RealModels.resnet18()), OCTETS)
                .multiPart("features", "f.pt", Files.readAllBytes(RealModels.resnet18Features()), OCTETS)
                .multiPart("classifier", "c.pt", Files.readAllBytes(RealModels.resnet18Classifier()), OCTETS)
                .multiPart("spec", RealModels.resnet18Spec())
                .post("/api/projects/" + project + "/models").then().statusCode(201)
                .body("supportsCam", equalTo(true)).body("fit", equalTo("center-crop"))
                .body("spec.height", equalTo(224)).extract().jsonPath();
        long model = v.getLong("id");
        Map<String, Object> cat = samples.stream().filter(s -> intOf(s, "width") == 451).findFirst().orElseThrow();
        given().get("/api/samples/" + id(cat) + "/predictions?modelId=" + model).then().statusCode(200)
                .body("predictedClass", oneOf("animal", "thing"));
        // one plane a map: 224×224 float16, a third of the three channels Grad-CAM repeats (issue 17)
        // no deletion/insertion curves: 58 passes of a ResNet-18 in the background the test never reads
        given().post("/api/samples/" + id(cat) + "/saliency?method=grad-cam&curves=false&modelId=" + model).then().statusCode(200)
                .body("shape", contains(1, 224, 224)).body("storedBytes", equalTo(224 * 224 * 2));
        byte[] png = given().get("/api/samples/" + id(cat) + "/saliency.png?method=grad-cam&zoom=1&modelId=" + model)
                .then().statusCode(200).extract().asByteArray();
        BufferedImage drawn = Fixtures.decode(png);
        assertEquals(451, drawn.getWidth());
        assertEquals(300, drawn.getHeight());
        // the centre crop leaves 75 columns on each side outside the model's view: drawn as the photo itself
        byte[] photo = given().get("/api/samples/" + id(cat) + "/image.png").then().statusCode(200).extract().asByteArray();
        BufferedImage original = Fixtures.decode(photo);
        assertEquals(original.getRGB(10, 150), drawn.getRGB(10, 150));
        assertEquals(original.getRGB(440, 150), drawn.getRGB(440, 150));
    }
}
