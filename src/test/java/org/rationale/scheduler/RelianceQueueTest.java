package org.rationale.scheduler;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.rationale.testing.Api;
import org.rationale.testing.PostgresTestResource;
import org.rationale.testing.RealModels;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scheduler tests regions experts marked elsewhere on samples nobody reviewed, where the maps
 * say little about them. The model ({@link RealModels#maskedCorner}) decides by the top-left 4×4
 * patch behind a saturated tanh, so its gradient maps put nothing there: on a mid-gray image
 * replacing the patch flips the decision, on a white or black one it does not. Known in advance:
 * the samples that flip rank ahead of those that do not, once an expert has marked the patch on one.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class RelianceQueueTest {

    @Inject
    SchedulerService scheduler;

    /** Sample types by index % 4: bright patch on gray (flips), on white (holds), dark on gray (flips), on black. */
    private static final int[][] TYPES = {{255, 128, 0}, {255, 255, 0}, {0, 128, 1}, {0, 0, 1}};

    @Test
    void samplesWhoseDecisionFlipsWhenTheMarkedCornerIsReplacedRankFirst() throws IOException {
        long project = Api.newProject("reliance-queue");
        given().multiPart("images", "p.idx", images(16), "application/octet-stream")
                .multiPart("labels", "pl.idx", labels(16), "application/octet-stream")
                .multiPart("classNames", "bright,dark").multiPart("split", "train").multiPart("name", "patches")
                .post("/api/projects/" + project + "/datasets").then().statusCode(201);
        String spec = "{\"name\":\"masked\",\"channels\":1,\"height\":28,\"width\":28,\"scale\":0.00392156862745098,"
                + "\"mean\":[0.0],\"std\":[1.0],\"classes\":[\"bright\",\"dark\"]}";
        long model = given().multiPart("model", "masked.pt", Files.readAllBytes(RealModels.maskedCorner()),
                        "application/octet-stream").multiPart("spec", spec)
                .post("/api/projects/" + project + "/models").then().statusCode(201).extract().jsonPath().getLong("id");
        // the samples in import order: their type is their index % 4
        List<Long> ids = given().get("/api/projects/" + project + "/samples?limit=100").then().statusCode(200).extract()
                .jsonPath().getList("items.id", Long.class);
        assertEquals(16, ids.size());
        List<Long> sorted = ids.stream().sorted().toList();
        Map<Long, Integer> type = new HashMap<>();
        for (int i = 0; i < sorted.size(); i++) {
            type.put(sorted.get(i), i % 4);
        }
        for (long id : sorted) {
            given().post("/api/samples/" + id + "/saliency?modelId=" + model + "&method=vanilla-gradient&curves=false")
                    .then().statusCode(200);
        }
        Map<String, Object> rerank = Map.of("strategy", "disagreement", "modelId", model, "diversity", 0.0,
                "batchSize", 4, "limit", 16);

        // before any mark: nothing to test, no reliance in any score
        List<Map<String, Object>> unmarked = given().contentType(ContentType.JSON).body(rerank)
                .post("/api/projects/" + project + "/queue/rerank").then().statusCode(200).extract().jsonPath()
                .getList("components");
        assertTrue(unmarked.stream().noneMatch(c -> c.containsKey("relianceFlipRate")), unmarked.toString());

        // an expert marks the patch as a shortcut on the first sample (a bright patch on gray)
        long marked = sorted.get(0);
        byte[] mask = new byte[28 * 28];
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                mask[y * 28 + x] = 1;
            }
        }
        given().contentType(ContentType.JSON).body(Map.of("kind", "shortcut", "mask",
                        Base64.getEncoder().encodeToString(mask), "version", 0))
                .post("/api/samples/" + marked + "/annotations").then().statusCode(201);

        JsonPath ranked = given().contentType(ContentType.JSON).body(rerank)
                .post("/api/projects/" + project + "/queue/rerank").then().statusCode(200).extract().jsonPath();
        List<Long> order = ranked.getList("sampleId", Long.class);
        List<Map<String, Object>> parts = ranked.getList("components");
        assertEquals(16, order.size());
        // the marked sample itself is measured, not tested; the others: gray ones flip, white and black ones hold
        Set<Long> flipping = sorted.stream().filter(id -> id != marked && type.get(id) % 2 == 0).collect(Collectors.toSet());
        Set<Long> holding = sorted.stream().filter(id -> type.get(id) % 2 == 1).collect(Collectors.toSet());
        assertEquals(7, flipping.size());
        int lastFlipping = -1;
        int firstHolding = order.size();
        for (int at = 0; at < order.size(); at++) {
            long id = order.get(at);
            Map<String, Object> c = parts.get(at);
            if (flipping.contains(id)) {
                lastFlipping = Math.max(lastFlipping, at);
                assertEquals(1.0, ((Number) c.get("relianceFlipRate")).doubleValue(), c.toString());
                assertTrue(((Number) c.get("relianceDrop")).doubleValue() > 0.9, c.toString());
                // the gradient map puts nothing on the patch: the gradient alone would not have found it
                assertEquals(0.0, ((Number) c.get("predictedShortcutMass")).doubleValue(), 1e-6, c.toString());
            } else if (holding.contains(id)) {
                firstHolding = Math.min(firstHolding, at);
                assertEquals(0.0, ((Number) c.get("relianceFlipRate")).doubleValue(), c.toString());
            } else {
                assertFalse(c.containsKey("relianceFlipRate"), "the marked sample is not tested: " + c);
            }
        }
        assertTrue(lastFlipping < firstHolding, "every flipping sample before every holding one: " + order + " "
                + parts);

        // ranking again with the same marks reuses the tests (the same figures, in the same order)
        JsonPath again = given().contentType(ContentType.JSON).body(rerank)
                .post("/api/projects/" + project + "/queue/rerank").then().statusCode(200).extract().jsonPath();
        assertEquals(order, again.getList("sampleId", Long.class));
        // a reading of the stored queue shows the same breakdown, and computes nothing
        List<Map<String, Object>> stored = given().get("/api/projects/" + project + "/queue?strategy=disagreement&limit=16"
                + "&modelId=" + model).then().statusCode(200).extract().jsonPath().getList("components");
        assertEquals(parts.get(0).get("relianceFlipRate"), stored.get(0).get("relianceFlipRate"));

        // another mark elsewhere makes other regions, whose tests are not known; uncertainty does not score
        // disagreement, so a ranking by it tests nothing
        byte[] elsewhere = new byte[28 * 28];
        elsewhere[27 * 28 + 27] = 1;
        given().contentType(ContentType.JSON).body(Map.of("kind", "shortcut", "mask",
                        Base64.getEncoder().encodeToString(elsewhere), "version", 0))
                .post("/api/samples/" + sorted.get(1) + "/annotations").then().statusCode(201);
        List<Map<String, Object>> uncertain = given().contentType(ContentType.JSON)
                .body(Map.of("strategy", "uncertainty", "modelId", model, "limit", 16))
                .post("/api/projects/" + project + "/queue/rerank").then().statusCode(200).extract().jsonPath()
                .getList("components");
        assertTrue(uncertain.stream().noneMatch(c -> c.containsKey("relianceFlipRate")), uncertain.toString());
    }

    /**
     * The reliance tests of a ranking run the model for seconds: they hold no transaction (a
     * connection tied up, a timeout into a failed ranking). A caller inside one is refused before
     * anything is read or run.
     */
    @Test
    void aRankingRefusesToRunItsRelianceTestsInsideATransaction() {
        long project = Api.newProject("reliance-in-transaction");
        RuntimeException e = assertThrows(RuntimeException.class, () -> QuarkusTransaction.requiringNew()
                .run(() -> scheduler.rerank(project, 1, Strategy.DISAGREEMENT, Weights.DEFAULT, 4, 4)));
        Throwable cause = e;
        while (!(cause instanceof IllegalStateException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        assertTrue(String.valueOf(cause.getMessage()).contains("must not hold a transaction"), e.toString());
    }

    private static byte[] images(int n) {
        Random r = new Random(5);
        ByteBuffer b = ByteBuffer.allocate(16 + n * 784).putInt(0x803).putInt(n).putInt(28).putInt(28);
        for (int i = 0; i < n; i++) {
            int[] t = TYPES[i % 4];
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    int v = x < 4 && y < 4 ? t[0] : t[1] == 128 ? 120 + r.nextInt(17) : t[1];
                    b.put((byte) v);
                }
            }
        }
        return b.array();
    }

    private static byte[] labels(int n) {
        ByteBuffer b = ByteBuffer.allocate(8 + n).putInt(0x801).putInt(n);
        for (int i = 0; i < n; i++) {
            b.put((byte) TYPES[i % 4][2]);
        }
        return b.array();
    }
}
