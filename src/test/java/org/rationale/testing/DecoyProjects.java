package org.rationale.testing;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Small projects with a decoy shortcut and a trained model, for scheduler and round tests (needs a running worker). */
public final class DecoyProjects {

    private DecoyProjects() {
    }

    /**
     * n noisy 28×28 images whose label (0–3) is a bright block in one quadrant, with a 4×4 corner
     * patch whose shade is the label (training) or random (test): a shortcut to find.
     */
    public static byte[][] decoyQuadrants(int n, boolean training, long seed) {
        Random r = new Random(seed);
        ByteBuffer images = ByteBuffer.allocate(16 + n * 784).putInt(0x803).putInt(n).putInt(28).putInt(28);
        ByteBuffer labels = ByteBuffer.allocate(8 + n).putInt(0x801).putInt(n);
        for (int i = 0; i < n; i++) {
            int label = i % 4;
            int oy = (label / 2) * 14 + 5;
            int ox = (label % 2) * 14 + 5;
            int shade = 255 - 50 * (training ? label : r.nextInt(4));
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    boolean on = y >= oy && y < oy + 6 && x >= ox && x < ox + 6;
                    images.put((byte) (x < 4 && y < 4 ? shade : on ? 120 + r.nextInt(40) : r.nextInt(80)));
                }
            }
            labels.put((byte) label);
        }
        return new byte[][] {images.array(), labels.array()};
    }

    public static JsonPath await(String url, String field, List<String> until) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 240_000;
        while (System.currentTimeMillis() < deadline) {
            JsonPath j = given().get(url).then().statusCode(200).extract().jsonPath();
            if (until.contains(j.getString(field))) {
                return j;
            }
            Thread.sleep(300);
        }
        throw new AssertionError(url + " never reached " + until);
    }

    /** A project with 240 training and 80 test images of {@link #decoyQuadrants}, a SmallCnn trained 1 epoch, a pool of 40. */
    public static long withTrainedModel(String name) throws InterruptedException {
        long p = Api.newProject(name);
        for (String split : List.of("train", "test")) {
            byte[][] d = decoyQuadrants(split.equals("train") ? 240 : 80, split.equals("train"), split.length());
            given().multiPart("images", "q.idx", d[0], "application/octet-stream")
                    .multiPart("labels", "ql.idx", d[1], "application/octet-stream")
                    .multiPart("classNames", "tl,tr,bl,br").multiPart("split", split).multiPart("name", "decoy " + split)
                    .post("/api/projects/" + p + "/datasets").then().statusCode(201);
        }
        long job = given().contentType(ContentType.JSON).body(Map.of("name", "decoy", "epochs", 1, "batchSize", 32))
                .post("/api/projects/" + p + "/trainings").then().statusCode(202).extract().jsonPath().getLong("jobId");
        JsonPath done = await("/api/jobs/" + job, "state", List.of("succeeded", "failed"));
        assertEquals("succeeded", done.getString("state"), done.getString("error"));
        given().contentType(ContentType.JSON).body(Map.of("pool", 40)).put("/api/projects/" + p + "/queue/settings")
                .then().statusCode(200).body("pool", equalTo(40));
        return p;
    }

}
