package org.rationale.testing;

import io.restassured.http.ContentType;

import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;

/** Small REST calls the API tests share. */
public final class Api {

    private Api() {
    }

    /** Creates a project with a unique name and returns its id. */
    public static long newProject(String prefix) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("name", prefix + " " + UUID.randomUUID()))
                .post("/api/projects")
                .then().statusCode(201)
                .extract().jsonPath().getLong("id");
    }

    public static long sampleCount(long projectId) {
        return given().get("/api/projects/" + projectId).then().statusCode(200)
                .extract().jsonPath().getLong("sampleCount");
    }

    public static int datasetCount(long projectId) {
        return given().get("/api/projects/" + projectId + "/datasets").then().statusCode(200)
                .extract().jsonPath().getList("$").size();
    }
}
