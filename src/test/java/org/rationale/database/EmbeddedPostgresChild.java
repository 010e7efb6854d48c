package org.rationale.database;

import java.nio.file.Path;
import java.sql.DriverManager;

/**
 * Run in a separate JVM by {@link EmbeddedPostgresTest}: starts the embedded server, writes a row,
 * prints READY and waits to be killed, leaving an orphaned PostgreSQL behind, like a crashed app.
 */
public final class EmbeddedPostgresChild {

    private EmbeddedPostgresChild() {
    }

    public static void main(String[] args) throws Exception {
        EmbeddedPostgres pg = EmbeddedPostgres.start(Path.of(args[0]), true, 0);
        try (var c = DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password());
             var st = c.createStatement()) {
            st.execute("create table if not exists crash_test (v text)");
            st.execute("insert into crash_test values ('written before the crash')");
        }
        System.out.println("READY " + pg.port());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
