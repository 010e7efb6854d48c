package org.rationale.audit;

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
 * an event was edited behind the app's back (exit 1, the edited event named).
 */
class AuditVerifyCommandIT {

    @Test
    void theCommandVerifiesTheChainAndNamesAnEditedEvent() throws Exception {
        Path data = Files.createTempDirectory("rationale-audit-it");
        int port = AppProcess.freePort();
        Map<String, String> env = Map.of("RATIONALE_DATA_DIR", data.toString(), "QUARKUS_HTTP_PORT", Integer.toString(port),
                "RATIONALE_DEMO_SEED", "false", "RATIONALE_ADMIN_PASSWORD", "command-admin-password");
        Process app = AppProcess.start(env, data.resolve("app.log"));
        long project;
        try {
            AppProcess.awaitReady(port, app, data.resolve("app.log"));
            project = given().port(port).auth().preemptive().basic("admin", "command-admin-password")
                    .contentType(ContentType.JSON).body(Map.of("name", "audited by command")).post("/api/projects")
                    .then().statusCode(201).extract().jsonPath().getLong("id");
            assertEquals(0, AppProcess.run(env, data.resolve("verify-running.log"), "audit-verify"),
                    Files.readString(data.resolve("verify-running.log")));
            assertTrue(Files.readString(data.resolve("verify-running.log")).contains("\"valid\":true"));
        } finally {
            app.destroy();
            assertTrue(app.waitFor(60, TimeUnit.SECONDS));
        }

        Path stopped = data.resolve("verify-stopped.log");
        assertEquals(0, AppProcess.run(env, stopped, "audit-verify"), Files.readString(stopped));
        String out = Files.readString(stopped);
        assertTrue(out.contains("\"valid\":true") && out.contains("\"firstBrokenSeq\":null"), out);

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

        Path nowhere = data.resolve("verify-nowhere.log");
        assertEquals(2, AppProcess.run(Map.of("RATIONALE_DATA_DIR", data.resolve("empty").toString()), nowhere,
                "audit-verify"), Files.readString(nowhere));
        assertTrue(Files.readString(nowhere).contains("No database in"), Files.readString(nowhere));
    }
}
