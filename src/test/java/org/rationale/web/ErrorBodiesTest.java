package org.rationale.web;

import io.quarkus.test.common.http.TestHTTPResource;
import org.rationale.testing.Fixtures;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.rationale.testing.Api;
import org.rationale.testing.PostgresTestResource;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every error is a JSON {error, detail}; a 500 carries an error id only; control characters are refused at the edge. */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class ErrorBodiesTest {

    @Inject
    AgroalDataSource db;

    @TestHTTPResource("/")
    URI base;

    private long count(String sql) throws Exception {
        try (Connection c = db.getConnection(); ResultSet r = c.createStatement().executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    private static void errorIdOnly(Response r) {
        r.then().statusCode(500).contentType(ContentType.JSON)
                .body("error", equalTo("Internal error"))
                .body("detail", matchesPattern("Error id [0-9a-f-]{36}; the server log has the details"));
        String body = r.asString().toLowerCase();
        for (String leak : new String[] {"select", "users", "password_hash", "exception", "org.", "java.", "sql"}) {
            assertTrue(!body.contains(leak), "500 body leaks '" + leak + "': " + body);
        }
    }

    @Test
    void aMethodThatAnApiPathDoesNotServeIsAJsonError() {
        long project = Api.newProject("wrong-method");
        for (String path : new String[] {"/api/projects/" + project + "/review/next", "/api/projects/" + project + "/rounds/1/retrain"}) {
            given().get(path).then().statusCode(405).contentType(ContentType.JSON).body("error", equalTo("Method not allowed"));
        }
        given().delete("/api/me").then().statusCode(405).contentType(ContentType.JSON);
    }

    @Test
    void aFailedQueryAnswersAnErrorIdWithoutItsSql() {
        errorIdOnly(given().get("/api/test-failures/sql"));
    }

    @Test
    void outOfMemoryIsAJsonErrorWithAnId() {
        errorIdOnly(given().accept("*/*").get("/api/test-failures/out-of-memory"));
    }

    @Test
    void wrongTypesInABodyAreJsonErrorsNamingTheField() {
        given().contentType(ContentType.JSON).body("{\"name\":[\"a\"]}").post("/api/projects")
                .then().statusCode(400).contentType(ContentType.JSON)
                .body("error", equalTo("Wrong type for 'name'")).body("detail", equalTo("name must be a string"));
        given().contentType(ContentType.JSON).body("[]").post("/api/projects")
                .then().statusCode(400).contentType(ContentType.JSON)
                .body("error", equalTo("Wrong JSON body")).body("detail", not(containsString("java")));
        given().contentType(ContentType.JSON).body("{\"type\":\"saliency\",\"modelId\":\"abc\"}").post("/api/jobs")
                .then().statusCode(400).contentType(ContentType.JSON)
                .body("error", equalTo("Wrong type for 'modelId'")).body("detail", equalTo("modelId must be a whole number"));
        // a whole number too large for its field was "must be of another type"
        given().contentType(ContentType.JSON).body("{\"type\":\"saliency\",\"modelId\":99999999999999999999}")
                .post("/api/jobs").then().statusCode(400).contentType(ContentType.JSON)
                .body("error", equalTo("Wrong type for 'modelId'"))
                .body("detail", equalTo("modelId must be a whole number within the range of its type"));
        // a number or a flag written as a text is not converted
        given().contentType(ContentType.JSON).body("{\"type\":\"saliency\",\"modelId\":\"3\"}").post("/api/jobs")
                .then().statusCode(400).contentType(ContentType.JSON)
                .body("error", equalTo("Wrong type for 'modelId'")).body("detail", equalTo("modelId must be a whole number"));
        given().contentType(ContentType.JSON).body("{\"type\":\"saliency\",\"modelId\":2.5}").post("/api/jobs")
                .then().statusCode(400).body("error", equalTo("Wrong type for 'modelId'"))
                .body("detail", equalTo("modelId must be a whole number"));
        // a user of this test's own: were a flag converted, it would be disabled, no one else
        long user = given().contentType(ContentType.JSON).body("{\"username\":\"coercion-" + UUID.randomUUID()
                        .toString().substring(0, 8) + "\",\"password\":\"coercion-password\",\"role\":\"expert\"}")
                .post("/api/users").then().statusCode(201).extract().jsonPath().getLong("id");
        for (String enabled : List.of("\"false\"", "0", "\"\"")) {
            given().contentType(ContentType.JSON).body("{\"enabled\":" + enabled + "}").patch("/api/users/" + user)
                    .then().statusCode(400).body("error", equalTo("Wrong type for 'enabled'"))
                    .body("detail", equalTo("enabled must be true or false"));
        }
        given().get("/api/users/" + user).then().statusCode(200).body("enabled", equalTo(true));
    }

    @Test
    void aChunkedUploadOverTheBackstopIsAJson413() throws Exception {
        long project = Api.newProject("chunked");
        byte[] chunk = new byte[1 << 20];
        InputStream body = new InputStream() {
            int sent;
            int pos = chunk.length;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos == chunk.length) {
                    if (sent == 40) {
                        return -1;
                    }
                    sent++;
                    pos = 0;
                }
                int n = Math.min(len, chunk.length - pos);
                System.arraycopy(chunk, pos, b, off, n);
                pos += n;
                return n;
            }
        };
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/api/projects/" + project + "/datasets"))
                .header("Authorization", basic(PostgresTestResource.ADMIN, PostgresTestResource.ADMIN_PASSWORD))
                .header("Content-Type", "multipart/form-data; boundary=xyz")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> body)).build();
        HttpResponse<String> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(413, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), r.headers().toString());
        assertTrue(r.body().contains("\"error\":\"Upload too large\""), r.body());
        assertTrue(r.body().contains("rationale.upload.max-size"), r.body());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aFieldTheEndpointDoesNotReadIsRefusedNamingItAndWhatItReads() throws Exception {
        long before = count("select count(*) from projects");
        // "modalty": a misspelt field would otherwise make an images project without a word
        given().contentType(ContentType.JSON).body(Map.of("name", "typo " + UUID.randomUUID(), "modalty", "tabular"))
                .post("/api/projects").then().statusCode(400).contentType(ContentType.JSON)
                .body("error", equalTo("Unknown field 'modalty'"))
                .body("detail", containsString("it reads "))
                .body("detail", containsString("modality"));
        assertEquals(before, count("select count(*) from projects"));
        // "epoch" on a training: refused before any job is queued
        long project = Api.newProject("unknown training field");
        long jobs = count("select count(*) from jobs");
        given().contentType(ContentType.JSON).body(Map.of("epoch", 3))
                .post("/api/projects/" + project + "/trainings").then().statusCode(400)
                .body("error", equalTo("Unknown field 'epoch'")).body("detail", containsString("epochs"));
        assertEquals(jobs, count("select count(*) from jobs"));
    }

    @Test
    void nulInAUsernameAtLoginCheckIsRefusedNamingTheField() {
        given().auth().none().contentType(ContentType.JSON).body(Map.of("username", "admin\u0000x", "password", "whatever-long"))
                .post("/api/login-check").then().statusCode(400).contentType(ContentType.JSON)
                .body("error", equalTo("Control character in field 'username'"))
                .body("detail", containsString("U+0000"));
    }

    @Test
    void nulInAProjectNameStoresNothing() throws Exception {
        long before = count("select count(*) from projects");
        given().contentType(ContentType.JSON).body(Map.of("name", "bad\u0000name " + UUID.randomUUID()))
                .post("/api/projects").then().statusCode(400).body("error", equalTo("Control character in field 'name'"));
        given().contentType(ContentType.JSON).body(Map.of("name", "two\nlines " + UUID.randomUUID()))
                .post("/api/projects").then().statusCode(400).body("error", equalTo("Control character in field 'name'"));
        given().contentType(ContentType.JSON).body(Map.of("name", "ok " + UUID.randomUUID(), "description", "bad\u0007bell"))
                .post("/api/projects").then().statusCode(400).body("error", equalTo("Control character in field 'description'"));
        assertEquals(before, count("select count(*) from projects"));
        given().contentType(ContentType.JSON).body(Map.of("name", "fine " + UUID.randomUUID(), "description", "two\nlines\tok"))
                .post("/api/projects").then().statusCode(201).body("description", equalTo("two\nlines\tok"));
    }

    @Test
    void nulInADisplayNameOrAUsernameStoresNothing() throws Exception {
        long before = count("select count(*) from users");
        given().contentType(ContentType.JSON).body(Map.of("username", "eve\u0000" + UUID.randomUUID().toString().substring(0, 6),
                        "password", "a-long-password", "role", "expert"))
                .post("/api/users").then().statusCode(400).body("error", equalTo("Control character in field 'username'"));
        given().contentType(ContentType.JSON).body(Map.of("username", "eve" + UUID.randomUUID().toString().substring(0, 6),
                        "displayName", "Eve\u0000", "password", "a-long-password", "role", "expert"))
                .post("/api/users").then().statusCode(400).body("error", equalTo("Control character in field 'displayName'"));
        assertEquals(before, count("select count(*) from users"));
    }

    @Test
    void nulInAVerdictCommentIsRefusedBeforeTheReviewIsRead() {
        given().contentType(ContentType.JSON).body(Map.of("saliencyMapId", 1, "verdict", "accept", "comment", "bad\u0000"))
                .post("/api/samples/987654321/reviews").then().statusCode(400)
                .body("error", equalTo("Control character in field 'comment'"));
    }

    @Test
    void controlCharactersInParametersAndFormFieldsAreRefused() throws Exception {
        given().urlEncodingEnabled(false).get("/api/projects/1/samples?split=te%00st").then().statusCode(400).contentType(ContentType.JSON)
                .body("error", equalTo("Control character in query parameter 'split'"));
        given().urlEncodingEnabled(false).get("/api/audit/events?projectId=1%0A").then().statusCode(400)
                .body("error", equalTo("Control character in query parameter 'projectId'"));
        long project = Api.newProject("form-nul");
        long datasets = count("select count(*) from datasets");
        given().multiPart("images", "i.idx", Fixtures.idxImages(3, 28, 28), "application/octet-stream")
                .multiPart("labels", "l.idx", Fixtures.idxLabels(3, 10), "application/octet-stream")
                .multiPart("split", "train").multiPart("name", "evil\u0000set")
                .post("/api/projects/" + project + "/datasets").then().statusCode(400)
                .body("error", equalTo("Control character in form field 'name'"));
        // an uploaded file's name becomes the dataset's default name and its origin: the same rule
        given().multiPart("images", "i\u001b[2J.idx", Fixtures.idxImages(3, 28, 28), "application/octet-stream")
                .multiPart("labels", "l.idx", Fixtures.idxLabels(3, 10), "application/octet-stream")
                .multiPart("split", "train")
                .post("/api/projects/" + project + "/datasets").then().statusCode(400)
                .body("error", equalTo("Control character in form field 'images file name'"));
        assertEquals(datasets, count("select count(*) from datasets"));
        assertEquals(0, Api.sampleCount(project));
    }

    @Test
    void aControlCharacterInABasicUsernameIsA400() {
        given().auth().none().header("Authorization", basic("admin\u0000", "whatever")).get("/api/me")
                .then().statusCode(400).contentType(ContentType.JSON)
                .body("error", equalTo("Control character in the username"));
    }
}
