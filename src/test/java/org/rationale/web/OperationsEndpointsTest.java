package org.rationale.web;

import org.hamcrest.Matchers;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;
import org.rationale.testing.PostgresTestResource;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

/** Metrics and the API description need a login; health stays open for probes. */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class OperationsEndpointsTest {

    @Test
    void metricsAndTheApiDescriptionRefuseAnonymousCallersWithAJson401() {
        for (String path : new String[] {"/q/metrics", "/q/openapi", "/q/openapi?format=json", "/q/swagger-ui/"}) {
            given().auth().none().redirects().follow(false).get(path).then().statusCode(401).contentType(ContentType.JSON)
                    .body("error", equalTo("Not logged in"))
                    .header("WWW-Authenticate", Matchers.startsWith("Basic"));
        }
    }

    @Test
    void aLoggedInCallerReadsMetricsAndTheApiDescription() {
        given().get("/q/metrics").then().statusCode(200);
        given().get("/q/openapi?format=json").then().statusCode(200).body("info.title", equalTo("Rationale API"));
    }

    @Test
    void healthStaysOpenForProbes() {
        given().auth().none().get("/q/health/live").then().statusCode(200);
        given().auth().none().get("/q/health/ready").then().statusCode(200);
    }
}
