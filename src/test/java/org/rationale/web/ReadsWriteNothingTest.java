package org.rationale.web;

import java.util.TreeMap;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rationale.testing.Api;
import org.rationale.testing.PostgresTestResource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A GET never writes: maps, sanity checks and rankings are made by POSTs that the GETs' answers name. */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class ReadsWriteNothingTest {

    private static final List<String> TABLES = List.of("saliency_maps", "sanity_checks", "review_queue", "audit_events",
            "predictions");

    @Inject
    AgroalDataSource db;

    long project;
    long sample;
    long model;

    @BeforeEach
    void freshProjectWithAModel() {
        project = Api.newProject("reads");
        Api.importIdx(project, 4, "train");
        sample = given().get("/api/projects/" + project + "/samples").then().extract().jsonPath().getLong("items[0].id");
        model = Api.uploadFixtureCnn(project);
    }

    private long rows(String table) throws Exception {
        try (Connection c = db.getConnection(); ResultSet r = c.createStatement().executeQuery("select count(*) from " + table)) {
            r.next();
            return r.getLong(1);
        }
    }

    private Map<String, Long> counts() throws Exception {
        Map<String, Long> out = new TreeMap<>();
        for (String t : TABLES) {
            out.put(t, rows(t));
        }
        return out;
    }

    @Test
    void readingAMapThatWasNeverComputedStoresNothingAndNamesThePost() throws Exception {
        Map<String, Long> before = counts();
        for (String seed : List.of("1", "2", "3")) {
            given().get("/api/samples/" + sample + "/saliency?modelId=" + model + "&method=smoothgrad&samples=2&seed=" + seed)
                    .then().statusCode(404).contentType(ContentType.JSON).body("error", equalTo("No stored map"))
                    .body("detail", containsString("POST /api/samples/" + sample + "/saliency"));
        }
        given().get("/api/samples/" + sample + "/saliency.png?modelId=" + model + "&method=vanilla-gradient")
                .then().statusCode(404).body("detail", containsString("POST /api/samples/" + sample + "/saliency"));
        given().get("/api/samples/" + sample + "/predictions?modelId=" + model).then().statusCode(200);
        assertEquals(before, counts());

        long id = given().post("/api/samples/" + sample + "/saliency?modelId=" + model + "&method=vanilla-gradient")
                .then().statusCode(200).extract().jsonPath().getLong("id");
        assertEquals(before.get("saliency_maps") + 1, rows("saliency_maps"));
        given().get("/api/samples/" + sample + "/saliency?modelId=" + model + "&method=vanilla-gradient")
                .then().statusCode(200).body("id", equalTo((int) id));
        given().get("/api/samples/" + sample + "/saliency.png?modelId=" + model + "&method=vanilla-gradient&zoom=2")
                .then().statusCode(200).contentType("image/png");
        assertEquals(before.get("saliency_maps") + 1, rows("saliency_maps"));
    }

    @Test
    void readingASanityCheckThatWasNeverRunStoresNothingAndNamesThePost() throws Exception {
        Map<String, Long> before = counts();
        given().get("/api/models/" + model + "/sanity?method=vanilla-gradient").then().statusCode(404)
                .contentType(ContentType.JSON).body("error", equalTo("No stored sanity check"))
                .body("detail", containsString("POST /api/models/" + model + "/sanity?method=vanilla-gradient"));
        given().get("/api/models/" + model + "/sanity").then().statusCode(200).body("size()", equalTo(0));
        assertEquals(before, counts());

        given().post("/api/models/" + model + "/sanity?method=vanilla-gradient").then().statusCode(200)
                .body("method", equalTo("vanilla-gradient"));
        assertEquals(before.get("sanity_checks") + 1, rows("sanity_checks"));
        given().get("/api/models/" + model + "/sanity?method=vanilla-gradient").then().statusCode(200)
                .body("method", equalTo("vanilla-gradient"));
        assertEquals(before.get("sanity_checks") + 1, rows("sanity_checks"));
    }

    @Test
    void readingAQueueThatWasNeverRankedStoresNothingAndNamesThePost() throws Exception {
        Map<String, Long> before = counts();
        given().auth().preemptive().basic(PostgresTestResource.ADMIN, PostgresTestResource.ADMIN_PASSWORD)
                .get("/api/projects/" + project + "/queue?strategy=random").then().statusCode(409)
                .contentType(ContentType.JSON).body("error", equalTo("No ranking yet"))
                .body("detail", containsString("POST /api/projects/" + project + "/queue/rerank"));
        assertEquals(before, counts());

        given().contentType(ContentType.JSON).body(Map.of("strategy", "random", "limit", 2))
                .post("/api/projects/" + project + "/queue/rerank").then().statusCode(200);
        assertTrue(rows("review_queue") > before.get("review_queue"));
        Map<String, Long> ranked = counts();
        given().get("/api/projects/" + project + "/queue?strategy=random&limit=2").then().statusCode(200)
                .body("size()", equalTo(2));
        assertEquals(ranked, counts());
    }
}
