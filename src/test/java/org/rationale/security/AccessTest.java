package org.rationale.security;

import io.restassured.specification.RequestSpecification;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;
import org.rationale.testing.Api;
import org.rationale.testing.PostgresTestResource;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class AccessTest {

    static long user(String name, String role) {
        return Api.newUser(name, role);
    }

    static RequestSpecification as(String name) {
        return Api.as(name);
    }

    @Test
    void aMemberOfProjectASeesNothingOfProjectB() {
        long a = Api.newProject("access A");
        long b = Api.newProject("access B");
        Api.importIdx(b, 2, "test");
        long sampleOfB = given().get("/api/projects/" + b + "/samples?limit=1").then().extract().jsonPath().getLong("items[0].id");
        long modelOfB = Api.uploadFixtureCnn(b);
        long expert = user("member-of-a", "expert");
        Api.addMember(a, expert);

        as("member-of-a").get("/api/projects").then().statusCode(200)
                .body("id", hasItem((int) a)).body("id", not(hasItem((int) b)));
        as("member-of-a").get("/api/projects/" + a).then().statusCode(200);
        for (String url : List.of("/api/projects/" + b, "/api/projects/" + b + "/samples", "/api/projects/" + b + "/datasets",
                "/api/projects/" + b + "/models", "/api/projects/" + b + "/members", "/api/samples/" + sampleOfB,
                "/api/samples/" + sampleOfB + "/image.png", "/api/models/" + modelOfB,
                "/api/samples/" + sampleOfB + "/predictions?modelId=" + modelOfB,
                "/api/samples/" + sampleOfB + "/saliency?modelId=" + modelOfB + "&method=vanilla-gradient")) {
            as("member-of-a").get(url).then().statusCode(403).body("error", equalTo("Not a member"));
        }
        // the admin sees both
        given().get("/api/projects/" + b).then().statusCode(200);
    }

    @Test
    void rolesDecideWhatAUserMayChange() {
        long p = Api.newProject("access roles");
        long expert = user("expert-r", "expert");
        long engineer = user("engineer-r", "engineer");
        Api.addMember(p, expert);
        Api.addMember(p, engineer);
        as("expert-r").contentType(ContentType.JSON).body(Map.of("name", "by an expert")).post("/api/projects")
                .then().statusCode(403);
        as("expert-r").multiPart("model", "cnn.pt", new byte[] {1}).post("/api/projects/" + p + "/models")
                .then().statusCode(403);
        as("expert-r").get("/api/users").then().statusCode(403);
        as("engineer-r").get("/api/users").then().statusCode(403);
        // an engineer creates a project and is its first member
        long own = as("engineer-r").contentType(ContentType.JSON).body(Map.of("name", "by an engineer"))
                .post("/api/projects").then().statusCode(201).extract().jsonPath().getLong("id");
        as("engineer-r").get("/api/projects/" + own + "/members").then().statusCode(200)
                .body("username", equalTo(List.of("engineer-r")));
        as("expert-r").get("/api/projects/" + own).then().statusCode(403);
        as("expert-r").get("/api/me").then().statusCode(200).body("role", equalTo("expert"))
                .body("projectIds", equalTo(List.of((int) p)));
    }

    @Test
    void anonymousAndWrongPasswordsGetAJson401NotALoginPage() {
        given().auth().none().get("/api/projects").then().statusCode(401)
                .header("WWW-Authenticate", containsString("Basic")).body("error", equalTo("Not logged in"));
        given().auth().preemptive().basic("admin", "wrong-password-here").get("/api/projects").then().statusCode(401)
                .body("error", equalTo("Not logged in"));
        given().auth().preemptive().basic("nobody-at-all", "whatever-password").get("/api/projects").then().statusCode(401);
        // health stays open for probes
        given().auth().none().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void repeatedWrongPasswordsLockTheUsernameForAWhile() throws InterruptedException {
        user("guessed", "expert");
        for (int i = 0; i < 5; i++) {
            given().auth().preemptive().basic("guessed", "wrong-guess-" + i).get("/api/me").then().statusCode(401);
        }
        // locked: even the right password is refused, and the login page says why
        as("guessed").get("/api/me").then().statusCode(401);
        given().auth().none().contentType(ContentType.JSON).body(Map.of("username", "guessed", "password", "guessed-password"))
                .post("/api/login-check").then().statusCode(401).body("detail", containsString("Too many wrong passwords"));
        Thread.sleep(2_200); // the test profile locks for 2 s
        as("guessed").get("/api/me").then().statusCode(200);
        // a success starts the count again
        given().auth().preemptive().basic("guessed", "wrong-again").get("/api/me").then().statusCode(401);
        as("guessed").get("/api/me").then().statusCode(200);
    }

    @Test
    void aDisabledUserCannotLogInAnyMore() {
        long u = user("leaver", "auditor");
        as("leaver").get("/api/me").then().statusCode(200);
        given().contentType(ContentType.JSON).body(Map.of("enabled", false)).patch("/api/users/" + u).then().statusCode(200)
                .body("enabled", equalTo(false));
        as("leaver").get("/api/me").then().statusCode(401);
    }

    @Test
    void rolesAreTheirLowerCaseNamesOverRest() {
        given().contentType(ContentType.JSON).body(Map.of("username", "bossy", "password", "long-enough-pw", "role", "boss"))
                .post("/api/users").then().statusCode(400).body("error", equalTo("Invalid role 'boss'"))
                .body("detail", equalTo("Roles: admin, engineer, expert, auditor"));
        long id = given().contentType(ContentType.JSON)
                .body(Map.of("username", "cased-role", "password", "long-enough-pw", "role", " Expert "))
                .post("/api/users").then().statusCode(201).body("role", equalTo("expert")).extract().jsonPath().getLong("id");
        given().get("/api/users/" + id).then().statusCode(200).body("role", equalTo("expert"));
        given().get("/api/users").then().statusCode(200).body("find { it.username == 'cased-role' }.role", equalTo("expert"));
        given().auth().preemptive().basic("cased-role", "long-enough-pw").get("/api/me").then().statusCode(200)
                .body("role", equalTo("expert"));
        // the enabled admins are counted by role: with a second admin, that one may stop being an admin
        long second = Api.newUser("second-admin", "admin");
        given().contentType(ContentType.JSON).body(Map.of("role", "auditor")).patch("/api/users/" + second)
                .then().statusCode(200).body("role", equalTo("auditor"));
    }

    @Test
    void rejectsBadAccounts() {
        given().contentType(ContentType.JSON).body(Map.of("username", "Bad Name", "password", "long-enough-pw", "role", "expert"))
                .post("/api/users").then().statusCode(400).body("error", containsString("Invalid username"));
        given().contentType(ContentType.JSON).body(Map.of("username", "shortpw", "password", "short", "role", "expert"))
                .post("/api/users").then().statusCode(400).body("error", equalTo("Password too short"));
        given().contentType(ContentType.JSON).body(Map.of("username", "norole", "password", "long-enough-pw", "role", "boss"))
                .post("/api/users").then().statusCode(400).body("error", containsString("Invalid role"));
        given().contentType(ContentType.JSON).body(Map.of("username", "admin", "password", "long-enough-pw", "role", "expert"))
                .post("/api/users").then().statusCode(409);
        long admin = given().get("/api/me").then().extract().jsonPath().getLong("id");
        given().contentType(ContentType.JSON).body(Map.of("role", "expert")).patch("/api/users/" + admin)
                .then().statusCode(409).body("error", equalTo("Last admin"));
        given().contentType(ContentType.JSON).body(Map.of("userId", 987654321)).post("/api/projects/"
                + Api.newProject("members bad") + "/members").then().statusCode(404);
        given().contentType(ContentType.JSON).body(Map.of("password", "x")).put("/api/users/" + admin + "/password")
                .then().statusCode(400);
        long p = Api.newProject("members bad 2");
        given().contentType(ContentType.JSON).body(Map.of()).post("/api/projects/" + p + "/members").then().statusCode(400)
                .body("error", equalTo("Missing userId"));
        given().delete("/api/projects/" + p + "/members/987654321").then().statusCode(404);
        given().contentType(ContentType.JSON).body("").patch("/api/users/" + admin).then().statusCode(400);
        given().contentType(ContentType.JSON).body(Map.of("role", "expert")).patch("/api/users/987654321").then().statusCode(404);
        given().auth().none().contentType(ContentType.JSON).body(Map.of("username", "admin"))
                .post("/api/login-check").then().statusCode(401);
        given().auth().none().contentType(ContentType.JSON).body("{not json").post("/api/login-check").then().statusCode(400);
    }
}
