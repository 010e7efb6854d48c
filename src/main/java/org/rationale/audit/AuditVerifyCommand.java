package org.rationale.audit;

import org.rationale.database.EmbeddedDatabase;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

/**
 * {@code java -jar quarkus-run.jar audit-verify}: recomputes the audit chain straight from the
 * database (the app need not run; if it does, its database is read through it), prints the result
 * as JSON and exits 0 when the chain is intact, 1 when it is broken, 2 when it could not be read.
 */
public final class AuditVerifyCommand {

    private AuditVerifyCommand() {
    }

    public static int run() {
        try (Connection c = EmbeddedDatabase.connectForCommand()) {
            return run(c, System.out);
        } catch (Exception e) {
            System.err.println("audit-verify: could not read the audit trail: " + e.getMessage());
            return 2;
        }
    }

    /** Verifies the chain read through a connection, prints the JSON result; 0 intact, 1 broken. */
    public static int run(Connection c, java.io.PrintStream out) throws java.sql.SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        AuditChain.Verifier v = new AuditChain.Verifier();
        try (PreparedStatement ps = c.prepareStatement("select seq, at, actor, action, subject, project_id, payload, "
                + "prev_hash, hash from audit_events order by seq")) {
            ps.setFetchSize(5000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    v.accept(AuditLog.read(rs));
                }
            }
        } finally {
            c.rollback();
            c.setAutoCommit(auto);
        }
        AuditChain.Verification r = v.result();
        var result = new java.util.HashMap<String, Object>();
        result.put("valid", r.valid());
        result.put("events", r.events());
        result.put("firstBrokenSeq", r.firstBrokenSeq());
        result.put("headHash", r.headHash());
        result.put("problem", r.problem());
        out.println(AuditChain.canonical(result));
        return r.valid() ? 0 : 1;
    }
}
