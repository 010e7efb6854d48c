package org.rationale.worker;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.junit.jupiter.api.Test;
import org.rationale.saliency.ReferenceFixtures;
import org.rationale.testing.Api;
import org.rationale.testing.PostgresTestResource;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sanity checks as a background job: one item per method, results stored as the synchronous check stores them. */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class SanityJobTest {

    @Inject
    WorkerPool pool;
    @Inject
    JobService jobs;
    @Inject
    EntityManager em;

    private static Map<String, Object> sanity(long model, List<Map<String, Object>> methods) {
        return Map.of("type", "sanity", "modelId", model, "methods", methods);
    }

    @Test
    void aSanityJobChecksEachMethodAsOneItemAndStoresTheResults() throws Exception {
        long[] pm = JobQueueTest.projectWithModel(3);
        long job = given().contentType(ContentType.JSON)
                .body(sanity(pm[1], List.of(Map.of("name", "vanilla-gradient"), Map.of("name", "grad-cam"))))
                .post("/api/jobs").then().statusCode(202).extract().jsonPath().getLong("jobId");
        assertEquals(List.of("vanilla-gradient", "grad-cam"),
                jobs.sanityProgress(job).stream().map(JobService.SanityProgress::method).toList());
        pool.start(1);
        JsonPath done;
        try {
            done = await("/api/jobs/" + job);
        } finally {
            pool.stop();
        }
        assertEquals("succeeded", done.getString("state"), done.prettify());
        assertEquals("sanity", done.getString("kind"));
        assertEquals(2, done.getLong("itemsTotal"));
        assertEquals(2, done.getLong("itemsDone"));
        assertTrue(jobs.sanityProgress(job).stream().allMatch(p -> p.state() == ItemState.SUCCEEDED));
        // stored as the synchronous check stores them: the GET reads them, the POST answers the stored one
        given().get("/api/models/" + pm[1] + "/sanity").then().statusCode(200).body("size()", equalTo(2));
        given().get("/api/models/" + pm[1] + "/sanity?method=grad-cam").then().statusCode(200)
                .body("method", equalTo("grad-cam")).body("samples", equalTo(3)).body("threshold", equalTo(0.5f));
        given().post("/api/models/" + pm[1] + "/sanity?method=vanilla-gradient").then().statusCode(200)
                .body("samples", equalTo(3));
    }

    @Test
    void badSanityJobsAreRefusedWithTheirReasonAndStoreNothing() {
        long[] pm = JobQueueTest.projectWithModel(2);
        long whole = given().multiPart("model", "cnn.pt", ReferenceFixtures.bytes("cnn.pt"),
                        "application/octet-stream")
                .multiPart("spec", Api.modelSpec("whole-cnn", 28, 10))
                .post("/api/projects/" + pm[0] + "/models").then().statusCode(201).extract().jsonPath().getLong("id");
        String url = "/api/jobs";
        given().contentType(ContentType.JSON).body(Map.of("type", "sanity", "methods", List.of(Map.of("name", "grad-cam"))))
                .post(url).then().statusCode(400).body("error", equalTo("Missing modelId"));
        given().contentType(ContentType.JSON).body(sanity(987654321, List.of(Map.of("name", "grad-cam"))))
                .post(url).then().statusCode(404);
        given().contentType(ContentType.JSON).body(sanity(pm[1], List.of())).post(url).then().statusCode(400)
                .body("error", equalTo("Missing methods"));
        given().contentType(ContentType.JSON).body(sanity(pm[1], List.of(Map.of("name", "lime")))).post(url).then()
                .statusCode(400).body("error", equalTo("Unknown method 'lime'"));
        given().contentType(ContentType.JSON).body(sanity(pm[1], List.of(Map.of("name", "grad-cam"),
                Map.of("name", "grad-cam")))).post(url).then().statusCode(400)
                .body("error", equalTo("Method 'grad-cam' given twice"));
        given().contentType(ContentType.JSON).body(sanity(pm[1], List.of(Map.of("name", "occlusion",
                "params", Map.of("window", "0"))))).post(url).then().statusCode(400).body("error", startsWith("Invalid window"));
        given().contentType(ContentType.JSON).body(Map.of("type", "sanity", "modelId", pm[1],
                "methods", List.of(Map.of("name", "grad-cam")), "samples", Map.of("split", "test"))).post(url).then()
                .statusCode(400).body("error", equalTo("Samples in a sanity job"));
        given().contentType(ContentType.JSON).body(sanity(whole, List.of(Map.of("name", "vanilla-gradient"),
                Map.of("name", "grad-cam")))).post(url).then().statusCode(400)
                .body("error", equalTo("Method 'grad-cam' cannot run on whole-cnn v1"))
                .body("detail", containsString("features"));
        assertEquals(0, sanityJobs(pm[0]));
    }

    @Transactional
    long sanityJobs(long project) {
        return ((Number) em.createNativeQuery("select count(*) from jobs where project_id = ?1 and kind = 'sanity'")
                .setParameter(1, project).getSingleResult()).longValue();
    }

    /** Polls a job until it ends. */
    private static JsonPath await(String url) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 180_000;
        while (System.currentTimeMillis() < deadline) {
            JsonPath j = given().get(url).then().statusCode(200).extract().jsonPath();
            if (List.of("succeeded", "failed", "cancelled").contains(j.getString("state"))) {
                return j;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(url + " did not end");
    }
}
