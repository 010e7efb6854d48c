package org.rationale.testing;

import io.restassured.specification.RequestSpecification;
import org.rationale.saliency.ReferenceFixtures;
import io.restassured.http.ContentType;

import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;

/** Small REST calls the API tests share. */
public final class Api {

    private Api() {
    }

    /** Creates a user whose password is {@code name + "-password"} (as the admin) and returns its id. */
    public static long newUser(String name, String role) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("username", name, "password", name + "-password", "role", role))
                .post("/api/users").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    /** Makes a user a member of a project (as the admin). */
    public static void addMember(long projectId, long userId) {
        given().contentType(ContentType.JSON).body(Map.of("userId", userId)).post("/api/projects/" + projectId + "/members")
                .then().statusCode(200);
    }

    /** A request as a user made by {@link #newUser}. */
    public static RequestSpecification as(String name) {
        return given().auth().preemptive().basic(name, name + "-password");
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

    /** A model spec for 1×height×28 inputs scaled to [0, 1] with classes 0, 1, … (as an IDX import names them). */
    public static String modelSpec(String name, int height, int classes) {
        StringBuilder c = new StringBuilder();
        for (int i = 0; i < classes; i++) {
            c.append(i == 0 ? "" : ",").append('"').append(i).append('"');
        }
        return "{\"name\":\"" + name + "\",\"channels\":1,\"height\":" + height + ",\"width\":28,"
                + "\"scale\":0.00392156862745098,\"mean\":[0.0],\"std\":[1.0],\"classes\":[" + c + "]}";
    }

    /** Imports n generated 28×28 IDX images with 10 classes into a project's split. */
    public static void importIdx(long project, int n, String split) {
        given().multiPart("images", "i.idx", Fixtures.idxImages(n, 28, 28), "application/octet-stream")
                .multiPart("labels", "l.idx", Fixtures.idxLabels(n, 10), "application/octet-stream")
                .multiPart("split", split).post("/api/projects/" + project + "/datasets").then().statusCode(201);
    }

    /** Uploads the fixture CNN with its features/classifier split and returns the model id. */
    public static long uploadFixtureCnn(long project) {
        String octets = "application/octet-stream";
        return given().multiPart("model", "cnn.pt", ReferenceFixtures.bytes("cnn.pt"), octets)
                .multiPart("features", "f.pt", ReferenceFixtures.bytes("cnn-features.pt"), octets)
                .multiPart("classifier", "c.pt", ReferenceFixtures.bytes("cnn-classifier.pt"), octets)
                .multiPart("spec", modelSpec("fixture-cnn", 28, 10))
                .post("/api/projects/" + project + "/models")
                .then().statusCode(201).extract().jsonPath().getLong("id");
    }
}
