package org.rationale.audit;

import org.rationale.database.EmbeddedDatabase;

import java.io.IOException;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code java -jar quarkus-run.jar audit-verify}: recomputes the audit chain straight from the
 * database (the app need not run; if it does, its database is read through it), checks each event's
 * HMAC with the audit key and compares the database with the newest anchor, both found as the server
 * finds them ({@link AuditSettings}); prints the result as JSON and exits 0 when the trail is intact,
 * 1 when it is broken, 2 when it could not be read (no database, no key).
 */
public final class AuditVerifyCommand {

    private AuditVerifyCommand() {
    }

    public static int run() {
        AuditSettings settings = AuditSettings.fromEnvironment();
        try (Connection c = EmbeddedDatabase.connectForCommand()) {
            AuditKey key = AuditKey.load(settings, false);
            return run(c, key, settings, System.out);
        } catch (Exception e) {
            System.err.println("audit-verify: could not read the audit trail: " + e.getMessage());
            return 2;
        }
    }

    /** Verifies the trail read through a connection, prints the JSON result; 0 intact, 1 broken. */
    public static int run(Connection c, AuditKey key, AuditSettings settings, PrintStream out)
            throws SQLException, IOException {
        AuditAnchor.Folder anchors = AuditAnchor.read(settings.anchorDir(), key);
        AuditChain.Verifier v = new AuditChain.Verifier(key, anchors.genuine(), anchors.forged());
        AuditLog.streamAll(c, v::accept);
        AuditChain.Verification r = v.result();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("valid", r.valid());
        result.put("events", r.events());
        result.put("firstBrokenSeq", r.firstBrokenSeq());
        result.put("headSeq", r.headSeq());
        result.put("headHash", r.headHash());
        result.put("problem", r.problem());
        result.put("problems", r.problems());
        result.put("hmacFromSeq", r.hmacFromSeq());
        result.put("anchor", r.anchor());
        result.put("keyId", key.id());
        result.put("anchorDir", settings.anchorDir().toAbsolutePath().toString());
        out.println(AuditChain.canonical(result));
        return r.valid() ? 0 : 1;
    }
}
