package org.rationale.dataset;

import org.junit.jupiter.api.Assertions;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rationale.testing.Api;
import org.rationale.testing.Fixtures;
import org.rationale.testing.PostgresTestResource;

import java.util.List;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;

@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class SampleResourceTest {

    private long project;

    @BeforeEach
    void importTwoSplits() {
        project = Api.newProject("browse");
        given().multiPart("images", "tr.idx", Fixtures.idxImages(30, 3, 3), "application/octet-stream")
                .multiPart("labels", "tr-labels.idx", Fixtures.idxLabels(30, 3), "application/octet-stream")
                .multiPart("split", "train").post("/api/projects/" + project + "/datasets").then().statusCode(201);
        given().multiPart("images", "te.idx", Fixtures.idxImages(9, 3, 3), "application/octet-stream")
                .multiPart("labels", "te-labels.idx", Fixtures.idxLabels(9, 3), "application/octet-stream")
                .multiPart("split", "test").post("/api/projects/" + project + "/datasets").then().statusCode(201);
    }

    private String samples() {
        return "/api/projects/" + project + "/samples";
    }

    @Test
    void filtersBySplitAndLabelAndPages() {
        given().get(samples() + "?split=train&label=2&limit=4").then().statusCode(200)
                .body("total", equalTo(10)).body("items", hasSize(4))
                .body("items.label", everyItem(equalTo(2))).body("items.split", everyItem(equalTo("train")));
        List<Integer> first = given().get(samples() + "?split=train&label=2&limit=4").then().extract().path("items.id");
        List<Integer> second = given().get(samples() + "?split=train&label=2&offset=4&limit=4").then().extract().path("items.id");
        Assertions.assertTrue(first.get(3) < second.get(0), "pages overlap or are out of order");
        given().get(samples() + "?split=test").then().body("total", equalTo(9));
        given().get(samples()).then().body("total", equalTo(39)).body("limit", equalTo(50));
        given().get(samples() + "?offset=100").then().body("total", equalTo(39)).body("items", hasSize(0));
    }

    @Test
    void oneSampleHasItsSourceAndImage() {
        int id = given().get(samples() + "?split=test&limit=1").then().extract().path("items[0].id");
        given().get("/api/samples/" + id).then().statusCode(200)
                .body("source", equalTo("te.idx#0")).body("width", equalTo(3))
                .body("imageUrl", equalTo("/api/samples/" + id + "/image.png"));
        given().get("/api/samples/" + id + "/image.png").then().statusCode(200).contentType("image/png");
    }

    @Test
    void rejectsBadPagingAndFilters() {
        given().get(samples() + "?limit=0").then().statusCode(400).contentType(ContentType.JSON)
                .body("error", startsWith("Invalid limit"));
        given().get(samples() + "?limit=5000").then().statusCode(400).body("error", startsWith("Invalid limit"));
        given().get(samples() + "?offset=-1").then().statusCode(400).body("error", startsWith("Invalid offset"));
        given().get(samples() + "?label=cat").then().statusCode(400).body("error", equalTo("Invalid label 'cat'"));
        given().get(samples() + "?split=dev").then().statusCode(400).body("error", equalTo("Unknown split 'dev'"));
    }

    @Test
    void unknownSampleAndProjectAre404() {
        given().get("/api/samples/999999999").then().statusCode(404).body("error", equalTo("Sample 999999999 not found"));
        given().get("/api/samples/999999999/image.png").then().statusCode(404).contentType(ContentType.JSON);
        given().get("/api/projects/999999999/samples").then().statusCode(404);
    }
}
