package org.rationale.audit;

import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;
import org.rationale.database.EmbeddedPostgres;
import org.rationale.testing.AppProcess;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code audit-verify} as an auditor runs it, on the embedded default: beside the running app
 * (through its database server), with the app stopped (it starts the database itself), and after
 * an event was edited behind the app's back (exit 1, the edited event named), with an anchor the
 * server did not sign, and with the newest events deleted (exit 1, the missing events named from
 * the anchor the app wrote at shutdown).
 */
class AuditVerifyCommandIT {

    @Test
    void theCommandVerifiesTheChainAndNamesAnEditedEvent() throws Exception {
        Path data = Files.createTempDirectory("rationale-audit-it");
        int port = AppProcess.freePort();
        Map<String, String> env = Map.of("RATIONALE_DATA_DIR", data.toString(), "QUARKUS_HTTP_PORT", Integer.toString(port),
                "RATIONALE_DEMO_SEED", "false", "RATIONALE_ADMIN_PASSWORD", "command-admin-password",
                "RATIONALE_AUDIT_ANCHOR_INTERVAL", "PT1S");
        Process app = AppProcess.start(env, data.resolve("app.log"));
        long project;
        try {
            AppProcess.awaitReady(port, app, data.resolve("app.log"));
            project = given().port(port).auth().preemptive().basic("admin", "command-admin-password")
                    .contentType(ContentType.JSON).body(Map.of("name", "audited by command")).post("/api/projects")
                    .then().statusCode(201).extract().jsonPath().getLong("id");
            for (int i = 0; i < 3; i++) {
                given().port(port).auth().preemptive().basic("admin", "command-admin-password").contentType(ContentType.JSON)
                        .body(Map.of("name", "more events " + i)).post("/api/projects").then().statusCode(201);
            }
            assertEquals(0, AppProcess.run(env, data.resolve("verify-running.log"), "audit-verify"),
                    Files.readString(data.resolve("verify-running.log")));
            assertTrue(Files.readString(data.resolve("verify-running.log")).contains("\"valid\":true"));
        } finally {
            app.destroy();
            assertTrue(app.waitFor(60, TimeUnit.SECONDS));
        }

        // the key stayed outside the database, readable by its owner only; the app anchored the head at shutdown
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(data.resolve("audit-key"))));
        long head;
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(data, true, 0);
             Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password());
             Statement st = c.createStatement(); var rs = st.executeQuery("select max(seq) from audit_events")) {
            assertTrue(rs.next());
            head = rs.getLong(1);
        }
        assertTrue(Files.exists(data.resolve("audit-anchors").resolve(AuditAnchor.fileName(head))), "no anchor of event " + head);

        Path stopped = data.resolve("verify-stopped.log");
        assertEquals(0, AppProcess.run(env, stopped, "audit-verify"), Files.readString(stopped));
        String out = Files.readString(stopped);
        assertTrue(out.contains("\"valid\":true") && out.contains("\"firstBrokenSeq\":null"), out);
        assertTrue(out.contains("\"status\":\"matches\"") && out.contains("\"seq\":" + head), out);

        long edited;
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(data, true, 0);
             Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password());
             Statement st = c.createStatement()) {
            try (var rs = st.executeQuery("select seq from audit_events where action = 'project.create' and project_id = "
                    + project)) {
                assertTrue(rs.next());
                edited = rs.getLong(1);
            }
            st.execute("set session_replication_role = replica");
            st.executeUpdate("update audit_events set actor = 'mallory' where seq = " + edited);
        }
        Path broken = data.resolve("verify-broken.log");
        assertEquals(1, AppProcess.run(env, broken, "audit-verify"), Files.readString(broken));
        out = Files.readString(broken);
        assertTrue(out.contains("\"valid\":false") && out.contains("\"firstBrokenSeq\":" + edited), out);
        superuser(data, "update audit_events set actor = 'admin' where seq = " + edited);

        // an anchor that the server did not sign
        Path forged = data.resolve("audit-anchors").resolve(AuditAnchor.fileName(head + 5));
        Files.writeString(forged, AuditAnchor.signed(AuditKey.of("m".repeat(40)), head + 5, "0".repeat(64), 1L,
                Instant.now()).json());
        Path replaced = data.resolve("verify-forged-anchor.log");
        assertEquals(1, AppProcess.run(env, replaced, "audit-verify"), Files.readString(replaced));
        assertTrue(Files.readString(replaced).contains("Anchor " + forged.getFileName() + " is not genuine"),
                Files.readString(replaced));
        Files.delete(forged);

        // the newest three events deleted: the anchor names them
        superuser(data, "delete from audit_events where seq > " + (head - 3));
        Path truncated = data.resolve("verify-truncated.log");
        assertEquals(1, AppProcess.run(env, truncated, "audit-verify"), Files.readString(truncated));
        out = Files.readString(truncated);
        assertTrue(out.contains("Events " + (head - 2) + ".." + head + " missing or changed")
                && out.contains("\"firstBrokenSeq\":" + (head - 2)), out);

        Path nowhere = data.resolve("verify-nowhere.log");
        assertEquals(2, AppProcess.run(Map.of("RATIONALE_DATA_DIR", data.resolve("empty").toString()), nowhere,
                "audit-verify"), Files.readString(nowhere));
        assertTrue(Files.readString(nowhere).contains("No database in"), Files.readString(nowhere));
    }

    /** Runs a statement as the database's superuser with the triggers off, as someone with the data folder could. */
    private static void superuser(Path data, String sql) throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(data, true, 0);
             Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password());
             Statement st = c.createStatement()) {
            st.execute("set session_replication_role = replica");
            st.executeUpdate(sql);
        }
    }
}
