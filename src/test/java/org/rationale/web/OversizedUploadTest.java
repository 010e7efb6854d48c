package org.rationale.web;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rationale.testing.Api;
import org.rationale.testing.PostgresTestResource;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real oversized requests against the dataset import and the model upload, streamed from a
 * generator (never held in memory), with and without a declared length, below and above the HTTP
 * layer's backstop (test limits: 8M upload, 16M backstop): each is a JSON 413 naming the limit, and
 * nothing is stored.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class OversizedUploadTest {

    private static final String BOUNDARY = "rationale-oversized";

    @TestHTTPResource("/")
    URI base;

    @ParameterizedTest(name = "{0}, {1} MiB, length declared: {2}")
    @CsvSource({
            "datasets, 9, true", "datasets, 12, false", "datasets, 40, true", "datasets, 40, false",
            "models, 9, true", "models, 12, false", "models, 40, true", "models, 40, false"})
    void anUploadOverTheLimitIsAJson413NamingItAndStoresNothing(String endpoint, int mebibytes, boolean declared)
            throws Exception {
        long project = Api.newProject("oversized");
        String head = "--" + BOUNDARY + "\r\n"
                + "Content-Disposition: form-data; name=\"split\"\r\n\r\ntrain\r\n"
                + "--" + BOUNDARY + "\r\n"
                + "Content-Disposition: form-data; name=\"spec\"\r\n\r\n" + Api.modelSpec("big", 28, 10) + "\r\n"
                + "--" + BOUNDARY + "\r\n"
                + "Content-Disposition: form-data; name=\"" + (endpoint.equals("models") ? "model" : "archive")
                + "\"; filename=\"big.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n";
        String tail = "\r\n--" + BOUNDARY + "--\r\n";
        long payload = (long) mebibytes << 20;
        long total = head.getBytes(StandardCharsets.UTF_8).length + payload + tail.length();
        HttpRequest.BodyPublisher stream = HttpRequest.BodyPublishers.ofInputStream(() -> new SequenceInputStream(
                new SequenceInputStream(new ByteArrayInputStream(head.getBytes(StandardCharsets.UTF_8)),
                        new Filler(payload)), new ByteArrayInputStream(tail.getBytes(StandardCharsets.UTF_8))));
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/api/projects/" + project + "/" + endpoint))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((PostgresTestResource.ADMIN
                        + ":" + PostgresTestResource.ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(declared ? HttpRequest.BodyPublishers.fromPublisher(stream, total) : stream).build();
        HttpResponse<String> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(413, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), r.headers().toString());
        assertTrue(r.body().contains("\"error\":\"Upload too large\""), r.body());
        assertTrue(r.body().contains("rationale.upload.max-size"), r.body());
        assertTrue(r.body().contains(String.valueOf(8 << 20)), r.body());
        assertEquals(0, Api.sampleCount(project));
        assertEquals(0, given().get("/api/projects/" + project + "/models").then().statusCode(200)
                .extract().jsonPath().getList("$").size());
    }

    /** Generates bytes as they are read. */
    private static final class Filler extends InputStream {
        private long left;

        Filler(long size) {
            this.left = size;
        }

        @Override
        public int read() {
            if (left <= 0) {
                return -1;
            }
            left--;
            return 'x';
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left <= 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            Arrays.fill(b, off, off + n, (byte) 'x');
            left -= n;
            return n;
        }
    }
}
