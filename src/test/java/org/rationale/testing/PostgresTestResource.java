package org.rationale.testing;

import io.restassured.RestAssured;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.HashMap;
import org.eclipse.microprofile.config.ConfigProvider;
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
        RestAssured.authentication = RestAssured.preemptive().basic(ADMIN, ADMIN_PASSWORD);
        try {
            dir = Files.createTempDirectory("rationale-test-db");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        // the audit key and anchors of this run, beside its database
        Map<String, String> audit = Map.of("rationale.audit.key-file", dir.resolve("audit-key").toString(),
                "rationale.audit.anchor-dir", dir.resolve("audit-anchors").toString());
        String external = System.getenv("QUARKUS_DATASOURCE_JDBC_URL");
        if (external != null && !external.isBlank()) {
            return audit;
        }
        server = EmbeddedPostgres.start(dir, false, 0);
        // as in production: the app runs as the plain role, the migrations (and tests that play an
        // attacker with the database's keys, see ownerConnection) as the owner
        Map<String, String> config = new HashMap<>(audit);
        config.putAll(Map.of(
                "quarkus.datasource.jdbc.url", server.jdbcUrl(),
                "quarkus.datasource.username", server.appUsername(),
                "quarkus.datasource.password", server.appPassword(),
                "quarkus.flyway.username", server.username(),
                "quarkus.flyway.password", server.password()));
        return config;
    }

    /**
     * A connection as the database's owner (a superuser on the embedded server), for tests that
     * act behind the app's back; the datasource user when the test database is external.
     */
    public static Connection ownerConnection() throws SQLException {
        var config = ConfigProvider.getConfig();
        String url = config.getValue("quarkus.datasource.jdbc.url", String.class);
        String user = config.getOptionalValue("quarkus.flyway.username", String.class)
                .orElseGet(() -> config.getValue("quarkus.datasource.username", String.class));
        String password = config.getOptionalValue("quarkus.flyway.password", String.class)
                .orElseGet(() -> config.getValue("quarkus.datasource.password", String.class));
        return DriverManager.getConnection(url, user, password);
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
        if (dir != null) {
            try (var paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a leftover temp folder is harmless
            }
        }
    }
}
