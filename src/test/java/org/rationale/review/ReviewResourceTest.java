package org.rationale.review;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.junit.jupiter.api.Test;
import org.rationale.testing.Api;
import org.rationale.testing.PostgresTestResource;

import java.util.Base64;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class ReviewResourceTest {

    @Inject
    EntityManager em;

    private static RequestSpecification as(String name) {
        return Api.as(name);
    }

    private static long user(String name, String role, long project) {
        long id = Api.newUser(name, role);
        Api.addMember(project, id);
        return id;
    }

    /** {project, model} with n test samples. */
    private static long[] project(String name, int n) {
        long p = Api.newProject(name);
        Api.importIdx(p, n, "test");
        return new long[] {p, Api.uploadFixtureCnn(p)};
    }

    private static long next(String who, long[] pm) {
        return as(who).get("/api/projects/" + pm[0] + "/review/next?modelId=" + pm[1]).then().statusCode(200)
                .extract().jsonPath().getLong("sampleId");
    }

    private static long map(String who, long sample, long model) {
        return as(who).post("/api/samples/" + sample + "/saliency?modelId=" + model + "&method=vanilla-gradient")
                .then().statusCode(200).extract().jsonPath().getLong("id");
    }

    @Transactional
    long storedVerdicts(long sample) {
        return ((Number) em.createNativeQuery("select count(*) from reviews where sample_id = ?1").setParameter(1, sample)
                .getSingleResult()).longValue();
    }

    @Test
    void aVerdictJudgesOneMapAndIsChangedOnlyFromTheVersionSeen() {
        long[] pm = project("review verdicts", 4);
        user("rv-e1", "expert", pm[0]);
        long a = next("rv-e1", pm);
        long m = map("rv-e1", a, pm[1]);
        String url = "/api/samples/" + a + "/reviews";
        as("rv-e1").contentType(ContentType.JSON).body(Map.of("saliencyMapId", m, "verdict", "accept", "comment", "edges"))
                .post(url).then().statusCode(201).body("version", equalTo(1)).body("verdict", equalTo("accept"))
                .body("modelId", equalTo((int) pm[1])).body("method", equalTo("vanilla-gradient"))
                .body("reviewer", equalTo("rv-e1"));
        as("rv-e1").contentType(ContentType.JSON).body(Map.of("saliencyMapId", m, "verdict", "reject", "version", 1))
                .post(url).then().statusCode(201).body("version", equalTo(2)).body("verdict", equalTo("reject"));
        // a second window that still shows version 1, or no verdict at all, cannot overwrite the change
        as("rv-e1").contentType(ContentType.JSON).body(Map.of("saliencyMapId", m, "verdict", "accept", "version", 1))
                .post(url).then().statusCode(409).body("error", equalTo("Verdict changed meanwhile"));
        as("rv-e1").contentType(ContentType.JSON).body(Map.of("saliencyMapId", m, "verdict", "accept"))
                .post(url).then().statusCode(409);
        given().get(url).then().statusCode(200).body("", hasSize(1)).body("[0].verdict", equalTo("reject"));
        assertEquals(1, storedVerdicts(a));
        // the next sample is another one
        assertNotEquals(a, next("rv-e1", pm));
    }

    @Test
    void aSampleGivenToOneReviewerIsRefusedToAnother() {
        long[] pm = project("review reservations", 3);
        user("rr-e1", "expert", pm[0]);
        user("rr-e2", "expert", pm[0]);
        long a = next("rr-e1", pm);
        long b = next("rr-e2", pm);
        assertNotEquals(a, b, "one sample handed to two reviewers with overlap 1");
        long m = map("rr-e2", a, pm[1]);
        as("rr-e2").contentType(ContentType.JSON).body(Map.of("saliencyMapId", m, "verdict", "accept"))
                .post("/api/samples/" + a + "/reviews").then().statusCode(409).body("error", equalTo("Sample taken"))
                .body("detail", containsString("rr-e1"));
        assertEquals(0, storedVerdicts(a));
        // with an overlap of two, both judge the same sample and their agreement is measured
        given().contentType(ContentType.JSON).body(Map.of("overlap", 2)).put("/api/projects/" + pm[0] + "/review/settings")
                .then().statusCode(200).body("overlap", equalTo(2));
        as("rr-e2").contentType(ContentType.JSON).body(Map.of("saliencyMapId", m, "verdict", "accept"))
                .post("/api/samples/" + a + "/reviews").then().statusCode(201);
        as("rr-e1").contentType(ContentType.JSON).body(Map.of("saliencyMapId", m, "verdict", "reject"))
                .post("/api/samples/" + a + "/reviews").then().statusCode(201);
        as("rr-e1").get("/api/projects/" + pm[0] + "/review/agreement").then().statusCode(200)
                .body("verdicts", equalTo(2)).body("pairs[0].raterA", equalTo("rr-e1"))
                .body("pairs[0].commonItems", equalTo(1)).body("pairs[0].observedAgreement", equalTo(0.0f))
                .body("disagreements", equalTo(java.util.List.of("map " + m)));
    }

    @Test
    void reviewersAskingAtTheSameMomentNeverGetTheSameSample() throws Exception {
        int n = 8;
        long[] pm = project("review race", n);
        for (int i = 0; i < n; i++) {
            user("race-" + i, "expert", pm[0]);
        }
        var pool = java.util.concurrent.Executors.newFixedThreadPool(n);
        var start = new java.util.concurrent.CountDownLatch(1);
        java.util.List<java.util.concurrent.Future<Long>> got = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            String who = "race-" + i;
            got.add(pool.submit(() -> {
                start.await();
                return next(who, pm);
            }));
        }
        start.countDown();
        java.util.Set<Long> samples = new java.util.HashSet<>();
        for (var f : got) {
            samples.add(f.get());
        }
        pool.shutdown();
        assertEquals(n, samples.size(), "a sample was handed to two reviewers: " + samples);
    }

    @Test
    void undoRemovesMyLastVerdictAndGivesTheSampleBack() {
        long[] pm = project("review undo", 3);
        user("ru-e1", "expert", pm[0]);
        long a = next("ru-e1", pm);
        long m = map("ru-e1", a, pm[1]);
        as("ru-e1").contentType(ContentType.JSON).body(Map.of("saliencyMapId", m, "verdict", "unsure"))
                .post("/api/samples/" + a + "/reviews").then().statusCode(201);
        as("ru-e1").post("/api/projects/" + pm[0] + "/review/undo").then().statusCode(200)
                .body("sampleId", equalTo((int) a)).body("verdict", equalTo("unsure"));
        assertEquals(0, storedVerdicts(a));
        assertEquals(a, next("ru-e1", pm));
        as("ru-e1").post("/api/projects/" + pm[0] + "/review/undo").then().statusCode(404);
    }

    @Test
    void masksAreVersionCheckedSoNobodyOverwritesSomebodySilently() {
        long[] pm = project("review masks", 2);
        user("rm-e1", "expert", pm[0]);
        user("rm-e2", "expert", pm[0]);
        long s = next("rm-e1", pm);
        byte[] mask = new byte[784];
        mask[0] = 1;
        mask[29] = 1;
        String url = "/api/samples/" + s + "/annotations";
        String b64 = Base64.getEncoder().encodeToString(mask);
        as("rm-e1").contentType(ContentType.JSON).body(Map.of("kind", "shortcut", "mask", b64, "version", 0))
                .post(url).then().statusCode(201).body("version", equalTo(1)).body("pixels", equalTo(2))
                .body("author", equalTo("rm-e1"));
        // the second expert loaded the sample before: their save is refused, naming who changed it
        as("rm-e2").contentType(ContentType.JSON).body(Map.of("kind", "shortcut", "mask", b64, "version", 0))
                .post(url).then().statusCode(409).body("error", equalTo("Annotation changed meanwhile"))
                .body("detail", containsString("rm-e1"));
        given().get(url).then().statusCode(200).body("", hasSize(1)).body("[0].mask", equalTo(b64));
        // clearing keeps the row with 0 pixels and a new version, so a save made before the clear stays stale
        as("rm-e1").contentType(ContentType.JSON).body(Map.of("kind", "shortcut",
                "mask", Base64.getEncoder().encodeToString(new byte[784]), "version", 1)).post(url).then().statusCode(201)
                .body("pixels", equalTo(0)).body("version", equalTo(2));
        given().get(url).then().body("", hasSize(1)).body("[0].pixels", equalTo(0));
        as("rm-e2").contentType(ContentType.JSON).body(Map.of("kind", "shortcut", "mask", b64, "version", 1))
                .post(url).then().statusCode(409);
    }

    @Test
    void rejectsBadVerdictsAndMasks() {
        long[] pm = project("review bad input", 2);
        user("rb-e1", "expert", pm[0]);
        user("rb-aud", "auditor", pm[0]);
        long s = next("rb-e1", pm);
        long m = map("rb-e1", s, pm[1]);
        long other = given().get("/api/projects/" + pm[0] + "/samples").then().extract().jsonPath()
                .getList("items.id", Long.class).stream().filter(x -> x != s).findFirst().orElseThrow();
        String url = "/api/samples/" + s + "/reviews";
        as("rb-e1").contentType(ContentType.JSON).body(Map.of("saliencyMapId", m, "verdict", "maybe")).post(url)
                .then().statusCode(400).body("error", containsString("Invalid verdict"));
        as("rb-e1").contentType(ContentType.JSON).body(Map.of("verdict", "accept")).post(url)
                .then().statusCode(400).body("error", equalTo("Missing saliencyMapId"));
        as("rb-e1").contentType(ContentType.JSON).body(Map.of("saliencyMapId", 987654321, "verdict", "accept")).post(url)
                .then().statusCode(404);
        as("rb-e1").contentType(ContentType.JSON).body(Map.of("saliencyMapId", m, "verdict", "accept"))
                .post("/api/samples/" + other + "/reviews").then().statusCode(400).body("error", equalTo("Map of another sample"));
        as("rb-e1").contentType(ContentType.JSON).body("{\"verdict\": ").post(url).then().statusCode(400);
        as("rb-aud").contentType(ContentType.JSON).body(Map.of("saliencyMapId", m, "verdict", "accept")).post(url)
                .then().statusCode(403);
        String masks = "/api/samples/" + s + "/annotations";
        as("rb-e1").contentType(ContentType.JSON).body(Map.of("kind", "shortcut", "mask",
                Base64.getEncoder().encodeToString(new byte[10]))).post(masks).then().statusCode(400)
                .body("error", equalTo("Mask does not fit the image"));
        byte[] twos = new byte[784];
        twos[3] = 2;
        as("rb-e1").contentType(ContentType.JSON).body(Map.of("kind", "shortcut", "mask",
                Base64.getEncoder().encodeToString(twos))).post(masks).then().statusCode(400);
        as("rb-e1").contentType(ContentType.JSON).body(Map.of("kind", "shortcut", "mask", "***")).post(masks)
                .then().statusCode(400).body("error", equalTo("Mask is not base64"));
        as("rb-e1").contentType(ContentType.JSON).body(Map.of("kind", "background", "mask",
                Base64.getEncoder().encodeToString(new byte[784]))).post(masks).then().statusCode(400);
        given().contentType(ContentType.JSON).body(Map.of("overlap", 0)).put("/api/projects/" + pm[0] + "/review/settings")
                .then().statusCode(400);
        as("rb-e1").get("/api/projects/" + pm[0] + "/review/next").then().statusCode(400);
        as("rb-e1").get("/api/projects/" + pm[0] + "/review/next?modelId=" + pm[1] + "&split=tset").then().statusCode(400);
        long otherModel = Api.uploadFixtureCnn(Api.newProject("review other model"));
        given().get("/api/projects/" + pm[0] + "/review/next?modelId=" + otherModel).then().statusCode(400)
                .body("error", equalTo("Model of another project"));
        given().get(masks).then().body("", not(hasSize(1)));
    }
}
