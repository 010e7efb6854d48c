package org.rationale.database;

import java.nio.file.Path;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The embedded default: decides from the environment whether the app brings its own PostgreSQL,
 * starts it before Quarkus reads its configuration, and stops it (fast shutdown) from a JVM
 * shutdown hook. That hook runs beside Quarkus's own, so work in flight at SIGTERM is rolled back,
 * never half-stored; jobs it interrupts are marked failed on the next start.
 *
 * <p>Settings are read from system properties or environment variables because they are needed
 * before Quarkus's configuration exists: {@code quarkus.datasource.jdbc.url} /
 * {@code QUARKUS_DATASOURCE_JDBC_URL} (an external database: nothing is started),
 * {@code rationale.data-dir} / {@code RATIONALE_DATA_DIR} (default {@code ./data}) and
 * {@code rationale.embedded-db.port} / {@code RATIONALE_EMBEDDED_DB_PORT} (default any free port).
 */
public final class EmbeddedDatabase {

    private EmbeddedDatabase() {
    }

    private static final Logger LOG = Logger.getLogger(EmbeddedDatabase.class.getName());
    private static volatile EmbeddedPostgres server;

    /** Starts the embedded server unless an external datasource URL is configured. */
    public static synchronized void startIfNoDatasourceConfigured() {
        if (setting("quarkus.datasource.jdbc.url").isPresent() || server != null) {
            return;
        }
        Path dataDir = Path.of(setting("rationale.data-dir").orElse("data"));
        int port = Integer.parseInt(setting("rationale.embedded-db.port").orElse("0"));
        long t0 = System.nanoTime();
        EmbeddedPostgres pg = EmbeddedPostgres.start(dataDir, true, port);
        server = pg;
        LOG.info(String.format("Embedded PostgreSQL ready on port %d with data in %s (%d ms)",
                pg.port(), pg.dataDirectory(), (System.nanoTime() - t0) / 1_000_000));
        System.setProperty("quarkus.datasource.jdbc.url", pg.jdbcUrl());
        System.setProperty("quarkus.datasource.username", pg.username());
        System.setProperty("quarkus.datasource.password", pg.password());
        if (setting("rationale.demo.seed").isEmpty()) {
            System.setProperty("rationale.demo.seed", "true");
        }
        Runtime.getRuntime().addShutdownHook(new Thread(EmbeddedDatabase::stop, "embedded-postgres-stop"));
    }

    /** Stops the embedded server, if this process started one. */
    public static synchronized void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    private static Optional<String> setting(String property) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            v = System.getenv(property.toUpperCase().replace('.', '_').replace('-', '_'));
        }
        return Optional.ofNullable(v).filter(s -> !s.isBlank());
    }
}
