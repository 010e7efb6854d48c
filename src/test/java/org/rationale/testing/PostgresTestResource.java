package org.rationale.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import org.rationale.database.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A real, throw-away PostgreSQL for the Quarkus tests: an embedded server in a temporary folder,
 * or the database named by {@code QUARKUS_DATASOURCE_JDBC_URL} when that is set.
 */
public class PostgresTestResource implements QuarkusTestResourceLifecycleManager {

    private EmbeddedPostgres server;
    private Path dir;

    /** The admin the test profile creates (rationale.admin-password in application.properties). */
    public static final String ADMIN = "admin";
    public static final String ADMIN_PASSWORD = "test-admin-password";

    @Override
    public Map<String, String> start() {
        // every request of the tests is the admin's unless a test logs in as someone else
        io.restassured.RestAssured.authentication = io.restassured.RestAssured.preemptive().basic(ADMIN, ADMIN_PASSWORD);
        String external = System.getenv("QUARKUS_DATASOURCE_JDBC_URL");
        if (external != null && !external.isBlank()) {
            return Map.of();
        }
        try {
            dir = Files.createTempDirectory("rationale-test-db");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server = EmbeddedPostgres.start(dir, false, 0);
        return Map.of(
                "quarkus.datasource.jdbc.url", server.jdbcUrl(),
                "quarkus.datasource.username", server.username(),
                "quarkus.datasource.password", server.password());
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
        if (dir != null) {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a leftover temp folder is harmless
            }
        }
    }
}
