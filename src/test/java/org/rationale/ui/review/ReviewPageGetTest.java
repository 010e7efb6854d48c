package org.rationale.ui.review;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.rationale.testing.Api;
import org.rationale.testing.PostgresTestResource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A GET never writes, the review page's included: opening it (the page and its bootstrap are GETs)
 * hands out no sample, reserves none and computes no map; the page shows its first sample on a round
 * trip the browser makes once it runs the page, a POST.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class ReviewPageGetTest {

    private static final List<String> TABLES = List.of("review_handouts", "review_reservations", "saliency_maps",
            "predictions", "audit_events");

    @Inject
    AgroalDataSource db;

    private Map<String, Long> counts() throws Exception {
        Map<String, Long> out = new TreeMap<>();
        try (Connection c = db.getConnection()) {
            for (String t : TABLES) {
                try (ResultSet r = c.createStatement().executeQuery("select count(*) from " + t)) {
                    r.next();
                    out.put(t, r.getLong(1));
                }
            }
        }
        return out;
    }

    @Test
    void aPlainGetOfTheReviewPageHandsOutNothing() throws Exception {
        long p = Api.newProject("review get");
        Api.importIdx(p, 6, "test");
        Api.uploadFixtureCnn(p);
        Api.addMember(p, Api.newUser("get-expert", "expert"));
        Response login = given().auth().none().redirects().follow(false).contentType(ContentType.URLENC)
                .formParam("username", "get-expert").formParam("password", "get-expert-password")
                .post("/j_security_check");
        login.then().statusCode(302);
        Map<String, String> cookies = login.getCookies();
        assertNotNull(cookies.get("quarkus-credential"));

        Map<String, Long> before = counts();
        for (String page : List.of("projects/" + p + "/review", "projects/" + p + "/review?sample=1")) {
            given().auth().none().redirects().follow(false).cookies(cookies).get("/" + page).then().statusCode(200);
            // the page's bootstrap, a GET too, which creates the page's UI on the server
            String[] at = page.split("\\?");
            given().auth().none().redirects().follow(false).cookies(cookies).queryParam("v-r", "init")
                    .queryParam("location", at[0]).queryParam("query", at.length > 1 ? at[1] : "").get("/").then()
                    .statusCode(200);
        }
        assertEquals(before, counts(), "opening the review page by GET wrote nothing");
    }
}
