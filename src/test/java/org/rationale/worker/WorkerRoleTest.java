package org.rationale.worker;

import jakarta.inject.Inject;
import org.rationale.security.AccountService;
import org.rationale.security.Role;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;
import org.rationale.testing.PostgresTestResource;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

/** A process in the worker role serves health and metrics only. */
@QuarkusTest
@TestProfile(WorkerRoleTest.WorkerRole.class)
@WithTestResource(PostgresTestResource.class)
class WorkerRoleTest {

    /** rationale.role=worker. */
    public static class WorkerRole implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("rationale.role", "worker");
        }
    }

    @Inject
    AccountService accounts;

    @Test
    void servesHealthAndMetricsButNotTheApiOrTheUi() {
        // probes send no credentials; scrapers log in with an account (workers share the accounts' database)
        given().auth().none().get("/q/health/ready").then().statusCode(200);
        given().auth().none().get("/q/metrics").then().statusCode(401).body("error", equalTo("Not logged in"));
        if (accounts.byUsername("scraper").isEmpty()) {
            accounts.create("scraper", null, "scraper-password", Role.Name.AUDITOR);
        }
        given().auth().preemptive().basic("scraper", "scraper-password").get("/q/metrics").then().statusCode(200);
        given().auth().none().get("/api/projects").then().statusCode(404).body("error", equalTo("Not served by a worker"));
        given().auth().none().get("/").then().statusCode(404);
    }
}
