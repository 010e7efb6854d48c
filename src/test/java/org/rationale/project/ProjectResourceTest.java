package org.rationale.project;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;
import org.rationale.testing.PostgresTestResource;

import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class ProjectResourceTest {

    @Test
    void createdProjectIsListedAndFetchedWithZeroCounts() {
        String name = "Chest X-rays " + UUID.randomUUID();
        long id = given().contentType(ContentType.JSON).body(Map.of("name", "  " + name + " ", "description", "pneumonia"))
                .post("/api/projects")
                .then().statusCode(201)
                .header("Location", containsString("/api/projects/"))
                .body("name", equalTo(name))
                .body("sampleCount", equalTo(0))
                .body("samplesBySplit.train", equalTo(0))
                .extract().jsonPath().getLong("id");
        given().get("/api/projects").then().statusCode(200).body("name", hasItem(name));
        given().get("/api/projects/" + id).then().statusCode(200)
                .body("description", equalTo("pneumonia"))
                .body("createdAt", notNullValue())
                .body("datasets.size()", equalTo(0));
    }

    @Test
    void sqlInANameIsStoredAsTextAndRunsNothing() {
        String name = "x'); drop table projects; -- " + UUID.randomUUID();
        String description = "' or 1=1 --";
        long id = given().contentType(ContentType.JSON).body(Map.of("name", name, "description", description))
                .post("/api/projects").then().statusCode(201).body("name", equalTo(name))
                .extract().jsonPath().getLong("id");
        given().get("/api/projects/" + id).then().statusCode(200)
                .body("name", equalTo(name)).body("description", equalTo(description));
        given().get("/api/projects?name=' or 1=1 --").then().statusCode(200).body("name", hasItem(name));
    }

    @Test
    void aProjectIsImagesUnlessCreatedTabular() {
        String images = "Images " + UUID.randomUUID();
        long imagesId = given().contentType(ContentType.JSON).body(Map.of("name", images)).post("/api/projects")
                .then().statusCode(201).body("modality", equalTo("images")).extract().jsonPath().getLong("id");
        String table = "Table " + UUID.randomUUID();
        long tableId = given().contentType(ContentType.JSON).body(Map.of("name", table, "modality", " Tabular"))
                .post("/api/projects").then().statusCode(201).body("modality", equalTo("tabular"))
                .extract().jsonPath().getLong("id");
        given().get("/api/projects/" + imagesId).then().statusCode(200).body("modality", equalTo("images"));
        given().get("/api/projects/" + tableId).then().statusCode(200).body("modality", equalTo("tabular"));
    }

    @Test
    void rejectsAnUnknownModalityAndStoresNothing() {
        String name = "Audio " + UUID.randomUUID();
        given().contentType(ContentType.JSON).body(Map.of("name", name, "modality", "audio"))
                .post("/api/projects").then().statusCode(400)
                .body("error", equalTo("Unknown modality"))
                .body("detail", containsString("images, tabular"));
        given().get("/api/projects").then().statusCode(200).body("name", not(hasItem(name)));
    }

    @Test
    void rejectsBlankName() {
        given().contentType(ContentType.JSON).body(Map.of("name", "   "))
                .post("/api/projects")
                .then().statusCode(400)
                .body("error", equalTo("Project name is required"));
    }

    @Test
    void rejectsMissingBody() {
        given().contentType(ContentType.JSON).post("/api/projects")
                .then().statusCode(400).body("error", notNullValue());
    }

    @Test
    void rejectsMalformedJson() {
        given().contentType(ContentType.JSON).body("{\"name\": ")
                .post("/api/projects")
                .then().statusCode(400)
                .body("error", equalTo("Malformed JSON"));
    }

    @Test
    void rejectsDuplicateNameIgnoringCase() {
        String name = "Dup " + UUID.randomUUID();
        given().contentType(ContentType.JSON).body(Map.of("name", name)).post("/api/projects").then().statusCode(201);
        given().contentType(ContentType.JSON).body(Map.of("name", name.toUpperCase()))
                .post("/api/projects")
                .then().statusCode(409)
                .body("error", equalTo("Project name already taken"));
    }

    @Test
    void unknownProjectIs404WithJsonError() {
        given().get("/api/projects/987654321").then().statusCode(404)
                .contentType(ContentType.JSON)
                .body("error", equalTo("Project 987654321 not found"));
    }

    @Test
    void unknownApiPathIs404WithJsonError() {
        given().get("/api/no/such/thing").then().statusCode(404)
                .contentType(ContentType.JSON)
                .body("error", containsString("/api/no/such/thing"));
    }
}
