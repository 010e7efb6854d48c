package org.rationale.database;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmbeddedPostgresTest {

    private Path dir;

    @BeforeEach
    void folder() throws Exception {
        dir = Files.createTempDirectory("rationale-pg-test");
    }

    @AfterEach
    void cleanUp() throws Exception {
        EmbeddedPostgres.deleteRecursively(dir);
    }

    private static List<String> rows(EmbeddedPostgres pg, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (var c = DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password());
             var st = c.createStatement(); var rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static void exec(EmbeddedPostgres pg, String sql) throws SQLException {
        try (var c = DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password());
             var st = c.createStatement()) {
            st.execute(sql);
        }
    }

    @Test
    void keepsDataAcrossRestartWithDurableSettings() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(dir, true, 0)) {
            exec(pg, "create table t (v text)");
            exec(pg, "insert into t values ('kept')");
            assertEquals(List.of("on"), rows(pg, "show fsync"));
            assertEquals(List.of("on"), rows(pg, "show synchronous_commit"));
        }
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(dir, true, 0)) {
            assertEquals(List.of("kept"), rows(pg, "select v from t"));
        }
    }

    @Test
    void refusesAFolderThatAnotherLiveInstanceUses() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(dir, false, 0)) {
            var e = Assertions.assertThrows(IllegalStateException.class,
                    () -> EmbeddedPostgres.start(dir, false, 0));
            assertTrue(e.getMessage().contains("in use by another running Rationale"), e.getMessage());
            exec(pg, "select 1"); // the running server was left alone
        }
        try (EmbeddedPostgres again = EmbeddedPostgres.start(dir, false, 0)) {
            exec(again, "select 1"); // and the folder is free once it stopped
        }
    }

    @Test
    void recoversFromStaleLockOfDeadProcess() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(dir, true, 0)) {
            exec(pg, "create table t (v text)");
            exec(pg, "insert into t values ('before')");
        }
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path lock = dir.resolve("pgdata/postmaster.pid");
        Files.writeString(lock, gone.pid() + "\n" + dir.resolve("pgdata") + "\n1700000000\n5432\n\nlocalhost\n  5432001  0\nready   \n");
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(dir, true, 0)) {
            assertEquals(List.of("before"), rows(pg, "select v from t"));
        }
    }

    @Test
    void stopsOrphanedServerOfKilledRunAndKeepsItsData() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                EmbeddedPostgresChild.class.getName(), dir.toString()).redirectErrorStream(true).start();
        String ready = null;
        try (var out = new BufferedReader(new InputStreamReader(child.getInputStream()))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("READY")) {
                    ready = line;
                    break;
                }
            }
            assertTrue(ready != null, "child JVM never got its database ready");
            child.destroyForcibly(); // kill -9: no shutdown hook runs, postgres is orphaned
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        long orphan = Long.parseLong(Files.readAllLines(dir.resolve("pgdata/postmaster.pid")).get(0).trim());
        assertTrue(EmbeddedPostgres.isRunning(orphan), "orphan should still run");

        try (EmbeddedPostgres pg = EmbeddedPostgres.start(dir, true, 0)) {
            assertEquals(List.of("written before the crash"), rows(pg, "select v from crash_test"));
            assertFalse(EmbeddedPostgres.isRunning(orphan), "orphan was not stopped");
        }
    }

    @Test
    void givesAFolderOfAnEarlierVersionItsPlainRuntimeRole() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(dir, true, 0)) {
            // as an earlier version left it: only the owner, a superuser, which the app ran as
            exec(pg, "drop owned by " + EmbeddedPostgres.APP_USER);
            exec(pg, "drop role " + EmbeddedPostgres.APP_USER);
            Files.delete(dir.resolve("db-app-password"));
        }
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(dir, true, 0)) {
            assertEquals(List.of("false", "true"), rows(pg, "select rolsuper::text from pg_roles where rolname in ('"
                    + EmbeddedPostgres.APP_USER + "', '" + EmbeddedPostgres.USER + "') order by rolname desc"));
            try (var c = DriverManager.getConnection(pg.jdbcUrl(), pg.appUsername(), pg.appPassword());
                 var st = c.createStatement(); var rs = st.executeQuery("select current_user")) {
                assertTrue(rs.next());
                assertEquals(EmbeddedPostgres.APP_USER, rs.getString(1));
                var e = Assertions.assertThrows(SQLException.class,
                        () -> st.execute("set session_replication_role = replica"));
                assertTrue(e.getMessage().contains("permission denied"), e.getMessage());
            }
        }
    }
}
