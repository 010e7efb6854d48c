package org.rationale.review;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;
import org.rationale.testing.Api;
import org.rationale.testing.PostgresTestResource;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

/** The review settings over the API: good values stored, every bad one named at once and nothing stored. */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class ReviewSettingsTest {

    private static String url(long project) {
        return "/api/projects/" + project + "/review/settings";
    }

    private static void unchanged(long project) {
        given().get(url(project)).then().statusCode(200).body("overlap", equalTo(1)).body("reservationMinutes", equalTo(15));
    }

    @Test
    void goodValuesAreStoredAndAbsentOnesKept() {
        long p = Api.newProject("settings good");
        given().contentType(ContentType.JSON).body(Map.of("overlap", 3, "reservationMinutes", 1440)).put(url(p))
                .then().statusCode(200).body("overlap", equalTo(3)).body("reservationMinutes", equalTo(1440));
        given().contentType(ContentType.JSON).body(Map.of("reservationMinutes", 1)).put(url(p))
                .then().statusCode(200).body("overlap", equalTo(3)).body("reservationMinutes", equalTo(1));
    }

    @Test
    void everyBadValueIsNamedAtOnceAndNothingIsStored() {
        long p = Api.newProject("settings bad");
        given().contentType(ContentType.JSON).body(Map.of("overlap", 0, "reservationMinutes", 5000)).put(url(p))
                .then().statusCode(400).body("error", equalTo("Invalid review settings"))
                .body("detail", allOf(containsString("Overlap 0"), containsString("1 to 10"),
                        containsString("Reservation time 5000"), containsString("1 to 1,440")));
        unchanged(p);
        given().contentType(ContentType.JSON).body(Map.of("overlap", 11, "reservationMinutes", 30)).put(url(p))
                .then().statusCode(400).body("detail", allOf(containsString("Overlap 11"),
                        not(containsString("Reservation"))));
        given().contentType(ContentType.JSON).body(Map.of("reservationMinutes", -5)).put(url(p))
                .then().statusCode(400).body("detail", containsString("Reservation time -5"));
        given().contentType(ContentType.JSON).body("{\"overlap\": \"two\"}").put(url(p)).then().statusCode(400);
        given().contentType(ContentType.JSON).body("{\"overlap\": 2.5, \"reservationMinutes\": 1e400}").put(url(p))
                .then().statusCode(400).body("detail", allOf(containsString("Overlap 2.5 is not a whole number"),
                        containsString("Reservation time 1E+400 is out of range")));
        given().contentType(ContentType.JSON).body("{\"overlap\": 99999999999}").put(url(p)).then().statusCode(400)
                .body("detail", containsString("Overlap 99999999999 is out of range"));
        given().contentType(ContentType.JSON).body("{\"overlap\": 1" + "0".repeat(400) + "}").put(url(p)).then()
                .statusCode(400).body("detail", containsString("Overlap of 401 digits is out of range"));
        given().contentType(ContentType.JSON).put(url(p)).then().statusCode(400);
        given().contentType(ContentType.JSON).body("[1, 2]").put(url(p)).then().statusCode(400);
        unchanged(p);
    }

    @Test
    void onlyEngineersAndAdminsOfTheProjectChangeThem() {
        long p = Api.newProject("settings roles");
        Api.addMember(p, Api.newUser("rs-settings-expert", "expert"));
        Api.newUser("rs-settings-outsider", "engineer");
        Api.as("rs-settings-expert").contentType(ContentType.JSON).body(Map.of("overlap", 2)).put(url(p))
                .then().statusCode(403);
        Api.as("rs-settings-outsider").contentType(ContentType.JSON).body(Map.of("overlap", 2)).put(url(p))
                .then().statusCode(403);
        given().contentType(ContentType.JSON).body(Map.of("overlap", 2)).put("/api/projects/987654321/review/settings")
                .then().statusCode(404);
        unchanged(p);
    }
}
