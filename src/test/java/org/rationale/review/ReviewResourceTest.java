package org.rationale.review;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.rationale.saliency.SaliencyService;
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

    /** {sample, map} handed to a reviewer by the next-sample call. */
    private static long[] handed(String who, long[] pm) {
        var json = as(who).post("/api/projects/" + pm[0] + "/review/next?modelId=" + pm[1]).then().statusCode(200)
                .body("method", equalTo("vanilla-gradient")).extract().jsonPath();
        return new long[] {json.getLong("sampleId"), json.getLong("saliencyMapId")};
    }

    private static long next(String who, long[] pm) {
        return handed(who, pm)[0];
    }

    @Inject
    SaliencyService saliency;

    /** A map stored without handing it to anyone. */
    private long storedMap(long sample, long model, String method) {
        return saliency.map(sample, model, method, "predicted", Map.of(), false).id();
    }

    @Transactional
    List<Long> mappedSamples(long model, String method) {
        return em.createNativeQuery("select sample_id from saliency_maps where model_version_id = ?1 and method = ?2 "
                + "order by sample_id", Long.class).setParameter(1, model).setParameter(2, method).getResultList();
    }

    @Test
    void handingOutASampleComputesTheMapsOfTheNextThreeAheadOnce() throws InterruptedException {
        long[] pm = project("review ahead", 6);
        user("ra-e1", "expert", pm[0]);
        List<Long> ids = given().get("/api/projects/" + pm[0] + "/samples?limit=10").then().statusCode(200)
                .extract().jsonPath().getList("items.id", Long.class).stream().sorted().toList();
        var first = as("ra-e1").post("/api/projects/" + pm[0] + "/review/next?modelId=" + pm[1]
                + "&method=gradient-x-input").then().statusCode(200).extract().jsonPath();
        assertEquals(ids.get(0), first.getLong("sampleId"));
        long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (mappedSamples(pm[1], "gradient-x-input").size() < 4 && System.nanoTime() < until) {
            Thread.sleep(100);
        }
        // the handed sample and the next three in the queue's order; not the two after them
        assertEquals(ids.subList(0, 4), mappedSamples(pm[1], "gradient-x-input"));
        // after a verdict, the next hand-out finds its map stored (still one map a sample) and looks one further
        as("ra-e1").contentType(ContentType.JSON).body(Map.of("saliencyMapId", first.getLong("saliencyMapId"),
                "verdict", "accept")).post("/api/samples/" + ids.get(0) + "/reviews").then().statusCode(201);
        long second = as("ra-e1").post("/api/projects/" + pm[0] + "/review/next?modelId=" + pm[1]
                + "&method=gradient-x-input").then().statusCode(200).extract().jsonPath().getLong("sampleId");
        assertEquals(ids.get(1), second);
        until = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (mappedSamples(pm[1], "gradient-x-input").size() < 5 && System.nanoTime() < until) {
            Thread.sleep(100);
        }
        assertEquals(ids.subList(0, 5), mappedSamples(pm[1], "gradient-x-input"));
    }

    @Transactional
    long reservations(long project) {
        return ((Number) em.createNativeQuery("select count(*) from review_reservations where project_id = ?1")
                .setParameter(1, project).getSingleResult()).longValue();
    }

    @Transactional
    long auditEvents(String actor, String action) {
        return ((Number) em.createNativeQuery("select count(*) from audit_events where actor = ?1 and action = ?2")
                .setParameter(1, actor).setParameter(2, action).getSingleResult()).longValue();
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
        long[] h = handed("rv-e1", pm);
        long a = h[0];
        long m = h[1];
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
        long[] ha = handed("rr-e1", pm);
        long a = ha[0];
        long m = ha[1];
        long[] hb = handed("rr-e2", pm);
        assertNotEquals(a, hb[0], "one sample handed to two reviewers with overlap 1");
        as("rr-e2").contentType(ContentType.JSON).body(Map.of("saliencyMapId", m, "verdict", "accept"))
                .post("/api/samples/" + a + "/reviews").then().statusCode(409).body("error", equalTo("Sample taken"))
                .body("detail", containsString("rr-e1"));
        assertEquals(0, storedVerdicts(a));
        // with an overlap of two, both judge the same sample and their agreement is measured
        given().contentType(ContentType.JSON).body(Map.of("overlap", 2)).put("/api/projects/" + pm[0] + "/review/settings")
                .then().statusCode(200).body("overlap", equalTo(2));
        as("rr-e2").contentType(ContentType.JSON).body(Map.of("saliencyMapId", hb[1], "verdict", "accept"))
                .post("/api/samples/" + hb[0] + "/reviews").then().statusCode(201);
        assertEquals(a, next("rr-e2", pm), "the overlap of two hands the first expert's sample to the second too");
        as("rr-e2").contentType(ContentType.JSON).body(Map.of("saliencyMapId", m, "verdict", "accept"))
                .post("/api/samples/" + a + "/reviews").then().statusCode(201);
        as("rr-e1").contentType(ContentType.JSON).body(Map.of("saliencyMapId", m, "verdict", "reject"))
                .post("/api/samples/" + a + "/reviews").then().statusCode(201);
        as("rr-e1").get("/api/projects/" + pm[0] + "/review/agreement").then().statusCode(200)
                .body("verdicts", equalTo(3)).body("pairs[0].raterA", equalTo("rr-e1"))
                .body("pairs[0].commonItems", equalTo(1)).body("pairs[0].observedAgreement", equalTo(0.0f))
                .body("disagreements", equalTo(List.of("map " + m)));
    }

    @Test
    void reviewersAskingAtTheSameMomentNeverGetTheSameSample() throws Exception {
        int n = 8;
        long[] pm = project("review race", n);
        for (int i = 0; i < n; i++) {
            user("race-" + i, "expert", pm[0]);
        }
        var pool = Executors.newFixedThreadPool(n);
        var start = new CountDownLatch(1);
        List<Future<Long>> got = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String who = "race-" + i;
            got.add(pool.submit(() -> {
                start.await();
                return next(who, pm);
            }));
        }
        start.countDown();
        Set<Long> samples = new HashSet<>();
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
        long[] h = handed("ru-e1", pm);
        long a = h[0];
        long m = h[1];
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
        given().contentType(ContentType.JSON).body(Map.of("overlap", 2)).put("/api/projects/" + pm[0] + "/review/settings")
                .then().statusCode(200);
        long s = next("rm-e1", pm);
        assertEquals(s, next("rm-e2", pm), "with an overlap of two both experts hold the sample");
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
        long[] h = handed("rb-e1", pm);
        long s = h[0];
        long m = h[1];
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
        as("rb-e1").post("/api/projects/" + pm[0] + "/review/next").then().statusCode(400);
        as("rb-e1").post("/api/projects/" + pm[0] + "/review/next?modelId=" + pm[1] + "&split=tset").then().statusCode(400);
        as("rb-e1").post("/api/projects/" + pm[0] + "/review/next?modelId=" + pm[1] + "&method=saliency-by-guess")
                .then().statusCode(400).body("error", containsString("Unknown method"));
        long otherModel = Api.uploadFixtureCnn(Api.newProject("review other model"));
        given().post("/api/projects/" + pm[0] + "/review/next?modelId=" + otherModel).then().statusCode(400)
                .body("error", equalTo("Model of another project"));
        // a GET hands nothing out (handing out reserves a sample)
        long held = reservations(pm[0]);
        as("rb-e1").get("/api/projects/" + pm[0] + "/review/next?modelId=" + pm[1]).then()
                .body(not(containsString("\"sampleId\"")));
        assertEquals(held, reservations(pm[0]));
        given().get(masks).then().body("", not(hasSize(1)));
    }

    @Test
    void refusesAVerdictOnAMapNeverHandedToTheReviewer() {
        long[] pm = project("review never handed", 3);
        user("nh-e1", "expert", pm[0]);
        List<Long> samples = given().get("/api/projects/" + pm[0] + "/samples").then().extract().jsonPath()
                .getList("items.id", Long.class);
        // a free sample's map, stored but never shown to the expert: judging it blind is refused, and nothing is kept
        long blind = samples.stream().max(Long::compare).orElseThrow();
        long blindMap = storedMap(blind, pm[1], "vanilla-gradient");
        as("nh-e1").contentType(ContentType.JSON).body(Map.of("saliencyMapId", blindMap, "verdict", "accept"))
                .post("/api/samples/" + blind + "/reviews").then().statusCode(409)
                .body("error", equalTo("Map not handed to you"))
                .body("detail", containsString("Map " + blindMap + " of sample " + blind + " was never shown to you"));
        assertEquals(0, storedVerdicts(blind));
        // the sample handed to them, but judged under another method's map that they were never handed: refused too
        long[] h = handed("nh-e1", pm);
        long otherMethod = storedMap(h[0], pm[1], "gradient-x-input");
        as("nh-e1").contentType(ContentType.JSON).body(Map.of("saliencyMapId", otherMethod, "verdict", "reject"))
                .post("/api/samples/" + h[0] + "/reviews").then().statusCode(409)
                .body("error", equalTo("Map not handed to you"));
        assertEquals(0, storedVerdicts(h[0]));
        assertEquals(0, auditEvents("nh-e1", "review.verdict"));
        // the map handed is judged, and the trail says when it was handed
        as("nh-e1").contentType(ContentType.JSON).body(Map.of("saliencyMapId", h[1], "verdict", "reject"))
                .post("/api/samples/" + h[0] + "/reviews").then().statusCode(201).body("saliencyMapId", equalTo((int) h[1]));
        assertEquals(1, auditEvents("nh-e1", "review.verdict"));
    }

    @Test
    void refusesAMaskSaveOnASampleAnotherExpertHolds() {
        long[] pm = project("review mask holder", 2);
        user("mh-e1", "expert", pm[0]);
        user("mh-e2", "expert", pm[0]);
        long s = next("mh-e1", pm);
        byte[] mask = new byte[784];
        mask[5] = 1;
        mask[6] = 1;
        String url = "/api/samples/" + s + "/annotations";
        as("mh-e1").contentType(ContentType.JSON).body(Map.of("kind", "shortcut",
                "mask", Base64.getEncoder().encodeToString(mask), "version", 0)).post(url).then().statusCode(201)
                .body("version", equalTo(1));
        // with an overlap of one, the other expert clears the mask of the sample the first holds, from the right version
        for (String kind : List.of("shortcut", "relevant")) {
            as("mh-e2").contentType(ContentType.JSON).body(Map.of("kind", kind,
                    "mask", Base64.getEncoder().encodeToString(new byte[784]), "version", kind.equals("shortcut") ? 1 : 0))
                    .post(url).then().statusCode(409).body("error", equalTo("Sample taken"))
                    .body("detail", containsString("mh-e1"));
        }
        given().get(url).then().statusCode(200).body("", hasSize(1)).body("[0].pixels", equalTo(2))
                .body("[0].version", equalTo(1)).body("[0].author", equalTo("mh-e1"));
        assertEquals(0, auditEvents("mh-e2", "annotation.save"));
    }
}
