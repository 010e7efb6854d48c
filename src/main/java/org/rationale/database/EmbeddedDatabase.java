package org.rationale.database;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The embedded default: decides from the environment whether the app brings its own PostgreSQL,
 * starts it before Quarkus reads its configuration, and stops it (fast shutdown) from a JVM
 * shutdown hook. That hook runs beside Quarkus's own, so work in flight at SIGTERM is rolled back,
 * never half-stored; jobs it interrupts are marked failed on the next start. It waits only for the
 * writes that must end the app's life ({@link #expectShutdownWork()}: the audit trail's last anchor).
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
        // the app runs as a plain role; only the migrations run as the owner (see EmbeddedPostgres.APP_USER)
        System.setProperty("quarkus.datasource.username", pg.appUsername());
        System.setProperty("quarkus.datasource.password", pg.appPassword());
        System.setProperty("quarkus.flyway.username", pg.username());
        System.setProperty("quarkus.flyway.password", pg.password());
        if (setting("rationale.demo.seed").isEmpty()) {
            System.setProperty("rationale.demo.seed", "true");
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            awaitShutdownWork();
            stop();
        }, "embedded-postgres-stop"));
    }

    /** How long the server waits at shutdown for the writes that must end the app's life (the audit anchor). */
    private static final long SHUTDOWN_WORK_MILLIS = 10_000;
    private static final CountDownLatch SHUTDOWN_WORK = new CountDownLatch(1);
    private static volatile boolean shutdownWorkExpected;

    /**
     * Says that the app will write once more when it stops (the audit trail's last anchor): the server's
     * shutdown hook, which runs beside Quarkus's own, then waits for {@link #shutdownWorkDone()} (at most
     * 10 s) before it stops PostgreSQL. Other work in flight is still cut off and rolled back.
     */
    public static void expectShutdownWork() {
        shutdownWorkExpected = true;
    }

    /** The app's last writes at shutdown are done (or failed): the embedded server may stop. */
    public static void shutdownWorkDone() {
        SHUTDOWN_WORK.countDown();
    }

    private static void awaitShutdownWork() {
        if (!shutdownWorkExpected) {
            return;
        }
        try {
            if (!SHUTDOWN_WORK.await(SHUTDOWN_WORK_MILLIS, TimeUnit.MILLISECONDS)) {
                LOG.warning("The app's last writes did not end within 10 s; stopping PostgreSQL anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the embedded server, if this process started one. */
    public static synchronized void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /**
     * A JDBC connection for a command run beside the app (such as {@code audit-verify}): the external
     * database when one is configured; else the embedded one, through the running app's server when
     * it holds the data folder, or started for the command (and stopped when the connection closes).
     */
    public static Connection connectForCommand() throws SQLException, IOException {
        Optional<String> url = setting("quarkus.datasource.jdbc.url");
        if (url.isPresent()) {
            return DriverManager.getConnection(url.get(), setting("quarkus.datasource.username").orElse(null),
                    setting("quarkus.datasource.password").orElse(null));
        }
        Path root = Path.of(setting("rationale.data-dir").orElse("data")).toAbsolutePath().normalize();
        if (!Files.exists(root.resolve("pgdata").resolve("PG_VERSION"))) {
            throw new IllegalStateException("No database in " + root + ": start the app once, or set "
                    + "QUARKUS_DATASOURCE_JDBC_URL (and _USERNAME, _PASSWORD) for an external one");
        }
        String password = Files.readString(root.resolve("db-password")).strip();
        Path pid = root.resolve("pgdata").resolve("postmaster.pid");
        EmbeddedPostgres own = null;
        int port;
        try {
            own = EmbeddedPostgres.start(root, true, 0);
            port = own.port();
        } catch (IllegalStateException inUse) {
            // the running app holds the folder: its server's port is line 4 of postmaster.pid
            port = Integer.parseInt(Files.readAllLines(pid).get(3).strip());
        }
        Connection c = DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/"
                + EmbeddedPostgres.DATABASE, EmbeddedPostgres.USER, password);
        if (own == null) {
            return c;
        }
        EmbeddedPostgres server = own;
        return (Connection) Proxy.newProxyInstance(EmbeddedDatabase.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    try {
                        return method.invoke(c, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    } finally {
                        if (method.getName().equals("close")) {
                            server.close();
                        }
                    }
                });
    }

    private static Optional<String> setting(String property) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            v = System.getenv(property.toUpperCase().replace('.', '_').replace('-', '_'));
        }
        return Optional.ofNullable(v).filter(s -> !s.isBlank());
    }
}
