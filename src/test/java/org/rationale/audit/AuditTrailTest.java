package org.rationale.audit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Optional;
import org.hamcrest.Matchers;
import org.rationale.saliency.ReferenceFixtures;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.Test;
import org.rationale.testing.Api;
import org.rationale.testing.Fixtures;
import org.rationale.testing.PostgresTestResource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The audit trail: state changes append chained events in their transaction; edits behind the app's back are caught. */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class AuditTrailTest {

    @Inject
    EntityManager em;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    AuditLog log;

    /** The audit-verify command's check, run on this database with the server's key and anchors. */
    private int command(ByteArrayOutputStream out) throws Exception {
        try (Connection c = dataSource.getConnection()) {
            return AuditVerifyCommand.run(c, log.key(), log.settings(), new PrintStream(out, true, StandardCharsets.UTF_8));
        }
    }

    /** The stored rows from a sequence number on, as the owner reads them. */
    private List<AuditEvent> rowsFrom(long seq) throws Exception {
        List<AuditEvent> out = new ArrayList<>();
        try (Connection c = PostgresTestResource.ownerConnection();
             var st = c.prepareStatement("select " + AuditLog.COLUMNS + " from audit_events where seq >= ? order by seq")) {
            st.setLong(1, seq);
            try (var rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(AuditLog.read(rs));
                }
            }
        }
        return out;
    }

    /** Puts rows back as they were (deleting whatever holds their sequence numbers now), triggers bypassed. */
    private void restore(List<AuditEvent> rows) throws Exception {
        try (Connection c = PostgresTestResource.ownerConnection(); var st = c.createStatement()) {
            st.execute("set session_replication_role = replica");
            try (var del = c.prepareStatement("delete from audit_events where seq = ?");
                 var ins = c.prepareStatement("insert into audit_events (" + AuditLog.COLUMNS
                         + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (AuditEvent e : rows) {
                    del.setLong(1, e.seq());
                    del.executeUpdate();
                    ins.setLong(1, e.seq());
                    ins.setObject(2, OffsetDateTime.ofInstant(e.at(), ZoneOffset.UTC));
                    ins.setString(3, e.actor());
                    ins.setString(4, e.action());
                    ins.setString(5, e.subject());
                    ins.setObject(6, e.projectId());
                    ins.setString(7, e.payload());
                    ins.setString(8, e.prevHash());
                    ins.setString(9, e.hash());
                    ins.setString(10, e.hmac());
                    ins.executeUpdate();
                }
            }
            st.execute("set session_replication_role = origin");
        }
    }

    private long lastSeq() {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                "select coalesce(max(seq), 0) from audit_events").getSingleResult()).longValue());
    }

    @Test
    void stateChangesAppendChainedEventsWithTheirActor() {
        long before = lastSeq();
        long p = Api.newProject("audited");
        long u = Api.newUser("audit-engineer", "engineer");
        Api.addMember(p, u);
        given().multiPart("images", "i.gz", Fixtures.idxImages(4, 28, 28), "application/octet-stream")
                .multiPart("labels", "l.gz", Fixtures.idxLabels(4, 10), "application/octet-stream")
                .multiPart("split", "test").multiPart("name", "audited images")
                .post("/api/projects/" + p + "/datasets").then().statusCode(201);
        long model = Api.as("audit-engineer").multiPart("model", "cnn.pt",
                        ReferenceFixtures.bytes("cnn.pt"), "application/octet-stream")
                .multiPart("spec", Api.modelSpec("audited-cnn", 28, 10))
                .post("/api/projects/" + p + "/models").then().statusCode(201).extract().jsonPath().getLong("id");

        List<Map<String, Object>> events = given().get("/api/audit/events?projectId=" + p + "&afterSeq=" + before)
                .then().statusCode(200).extract().jsonPath().getList("");
        // the creator becomes the first member, then the engineer joins
        assertEquals(List.of("project.create", "membership.add", "membership.add", "dataset.import", "model.upload"),
                events.stream().map(e -> e.get("action")).toList());
        assertEquals(List.of("admin", "admin", "admin", "admin", "audit-engineer"),
                events.stream().map(e -> e.get("actor")).toList());
        assertEquals("user:" + u, events.get(2).get("subject"));
        assertEquals("model:" + model, events.get(4).get("subject"));
        assertTrue(events.get(3).get("payload").toString().contains("\"samples\":4"), events.get(3).get("payload").toString());
        // every event since (the user's too, which belongs to no project) points at the one before it,
        // and its hash is what anyone recomputes from its columns
        List<Map<String, Object>> all = given().get("/api/audit/events?afterSeq=" + before).then().statusCode(200)
                .extract().jsonPath().getList("");
        assertEquals(6, all.size(), all.toString());
        for (int i = 0; i < all.size(); i++) {
            Map<String, Object> e = all.get(i);
            long seq = ((Number) e.get("seq")).longValue();
            assertEquals(before + 1 + i, seq);
            if (i > 0) {
                assertEquals(all.get(i - 1).get("hash"), e.get("prevHash"));
            }
            Number project = (Number) e.get("projectId");
            assertEquals(e.get("hash"), AuditChain.hash(seq, Instant.parse(e.get("at").toString()),
                    (String) e.get("actor"), (String) e.get("action"), (String) e.get("subject"),
                    project == null ? null : project.longValue(), (String) e.get("payload"), (String) e.get("prevHash")));
        }
        given().get("/api/audit/verify").then().statusCode(200).body("valid", equalTo(true))
                .body("firstBrokenSeq", equalTo(null));
    }

    @Test
    void aRefusedChangeLeavesNoEvent() {
        long p = Api.newProject("audited refusal");
        long before = lastSeq();
        String name = given().get("/api/projects/" + p).then().extract().jsonPath().getString("name");
        given().contentType(ContentType.JSON).body(Map.of("name", name)).post("/api/projects")
                .then().statusCode(409);
        given().multiPart("model", "cnn.pt", new byte[] {1, 2, 3}, "application/octet-stream")
                .multiPart("spec", Api.modelSpec("broken", 28, 10)).post("/api/projects/" + p + "/models")
                .then().statusCode(422);
        assertEquals(before, lastSeq());
    }

    @Test
    void theDatabaseRefusesToChangeOrRemoveAnEvent() throws Exception {
        Api.newProject("audited immutability");
        long seq = lastSeq();
        for (String sql : List.of("update audit_events set actor = 'mallory' where seq = " + seq,
                "delete from audit_events where seq = " + seq, "truncate audit_events")) {
            // the app's role lacks the right; the owner (a superuser here) meets the trigger
            Exception e = assertThrows(Exception.class, () -> QuarkusTransaction.requiringNew().run(() ->
                    em.createNativeQuery(sql).executeUpdate()), sql);
            assertTrue(rootMessage(e).contains("permission denied"), sql + ": " + rootMessage(e));
            try (Connection c = PostgresTestResource.ownerConnection(); var st = c.createStatement()) {
                Exception owner = assertThrows(SQLException.class, () -> st.execute(sql), sql);
                assertTrue(owner.getMessage().contains("append-only"), sql + ": " + owner.getMessage());
            }
        }
        assertEquals(seq, lastSeq());
    }

    @Test
    void theAppsDatabaseRoleCannotSwitchOffTheTrail() throws Exception {
        try (Connection c = dataSource.getConnection(); var st = c.createStatement()) {
            try (var rs = st.executeQuery("select rolsuper, current_user from pg_roles where rolname = current_user")) {
                assertTrue(rs.next());
                assertFalse(rs.getBoolean(1), "the app runs as a superuser: " + rs.getString(2));
            }
            for (String sql : List.of("alter table audit_events disable trigger audit_events_no_update",
                    "alter table audit_events disable trigger all", "set session_replication_role = replica",
                    "drop trigger audit_events_no_update on audit_events", "alter table audit_events drop column hmac")) {
                SQLException e = assertThrows(SQLException.class, () -> st.execute(sql), sql);
                assertTrue(e.getMessage().contains("must be owner") || e.getMessage().contains("permission denied"),
                        sql + ": " + e.getMessage());
            }
        }
    }

    private static String rootMessage(Throwable e) {
        StringBuilder s = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            s.append(t.getMessage()).append(" / ");
        }
        return s.toString();
    }

    /** Edits stored rows with the append-only trigger bypassed, as someone with the database's keys could. */
    private void editBehindTheAppsBack(String sql) throws Exception {
        try (Connection c = PostgresTestResource.ownerConnection(); var st = c.createStatement()) {
            st.execute("set session_replication_role = replica");
            st.executeUpdate(sql);
            st.execute("set session_replication_role = origin");
        }
    }

    @Test
    void verificationNamesTheEditedRowAndTheCommandAgrees() throws Exception {
        long p = Api.newProject("audited tamper");
        Api.addMember(p, Api.newUser("audit-tamper-expert", "expert"));
        Api.newProject("audited tamper after");
        long edited = QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                "select seq from audit_events where project_id = ?1 and action = 'membership.add' "
                        + "and payload like '%audit-tamper-expert%'").setParameter(1, p)
                .getSingleResult()).longValue());
        String original = QuarkusTransaction.requiringNew().call(() -> (String) em.createNativeQuery(
                "select payload from audit_events where seq = ?1").setParameter(1, edited).getSingleResult());
        given().get("/api/audit/verify").then().body("valid", equalTo(true));
        try {
            editBehindTheAppsBack("update audit_events set payload = replace(payload, '\"expert\"', '\"admin\"') where seq = "
                    + edited);
            given().get("/api/audit/verify").then().statusCode(200).body("valid", equalTo(false))
                    .body("firstBrokenSeq", equalTo((int) edited))
                    .body("problem", containsString("do not match its hash"));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertEquals(1, command(out));
            assertTrue(out.toString(StandardCharsets.UTF_8).contains("\"firstBrokenSeq\":" + edited), out.toString());
        } finally {
            editBehindTheAppsBack("update audit_events set payload = '" + original.replace("'", "''") + "' where seq = " + edited);
        }
        given().get("/api/audit/verify").then().body("valid", equalTo(true));
        assertEquals(0, command(new ByteArrayOutputStream()));
    }

    @Test
    void aDeletedEventIsNamedByTheChain() {
        AuditChain.Verifier v = new AuditChain.Verifier();
        Instant t = Instant.parse("2026-11-30T08:00:00.123456Z");
        String prev = AuditChain.GENESIS;
        List<AuditEvent> chain = new ArrayList<>();
        for (long seq = 1; seq <= 4; seq++) {
            String payload = AuditChain.canonical(Map.of("n", seq));
            String h = AuditChain.hash(seq, t, "a", "x.y", "s:" + seq, 1L, payload, prev);
            chain.add(new AuditEvent(seq, t, "a", "x.y", "s:" + seq, 1L, payload, prev, h));
            prev = h;
        }
        chain.forEach(v::accept);
        assertTrue(v.result().valid());
        assertNull(v.result().firstBrokenSeq());
        AuditChain.Verifier gap = new AuditChain.Verifier();
        chain.stream().filter(e -> e.seq() != 2).forEach(gap::accept);
        assertEquals(2L, gap.result().firstBrokenSeq());
        AuditChain.Verifier relinked = new AuditChain.Verifier();
        // an event removed and the chain renumbered: the next one's previous hash gives it away
        AuditEvent third = chain.get(2);
        relinked.accept(chain.get(0));
        relinked.accept(new AuditEvent(2, third.at(), third.actor(), third.action(), third.subject(), third.projectId(),
                third.payload(), third.prevHash(), AuditChain.hash(2, third.at(), third.actor(), third.action(),
                third.subject(), third.projectId(), third.payload(), third.prevHash())));
        assertEquals(2L, relinked.result().firstBrokenSeq());
    }

    @Test
    void aTruncatedTailIsNamedFromTheAnchor() throws Exception {
        for (int i = 0; i < 3; i++) {
            Api.newProject("audited tail");
        }
        AuditAnchor anchor = log.anchorHead().orElseThrow();
        long head = lastSeq();
        assertEquals(head, anchor.seq());
        List<AuditEvent> tail = rowsFrom(head - 2);
        assertEquals(3, tail.size());
        try {
            // the newest three events deleted with the triggers off: the chain in the database is intact
            editBehindTheAppsBack("delete from audit_events where seq >= " + (head - 2));
            String missing = "Events " + (head - 2) + ".." + head + " missing or changed";
            given().get("/api/audit/verify").then().statusCode(200).body("valid", equalTo(false))
                    .body("firstBrokenSeq", equalTo((int) (head - 2))).body("problem", containsString(missing))
                    .body("anchor.status", equalTo("missing-events")).body("anchor.seq", equalTo((int) head));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertEquals(1, command(out));
            assertTrue(out.toString(StandardCharsets.UTF_8).contains(missing), out.toString(StandardCharsets.UTF_8));
        } finally {
            restore(tail);
        }
        given().get("/api/audit/verify").then().body("valid", equalTo(true)).body("anchor.status", equalTo("matches"));
    }

    @Test
    void anEditedEventWithTheChainRecomputedIsCaughtByItsHmac() throws Exception {
        long p = Api.newProject("audited rechain");
        Api.addMember(p, Api.newUser("audit-rechain-expert", "expert"));
        Api.newProject("audited rechain after");
        long edited = QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                "select seq from audit_events where project_id = ?1 and action = 'membership.add' "
                        + "and payload like '%audit-rechain-expert%'").setParameter(1, p)
                .getSingleResult()).longValue());
        List<AuditEvent> original = rowsFrom(edited);
        // what an attacker with the database's keys but not the audit key writes: the decision changed,
        // every hash from there on recomputed with the public rules, the HMACs left as they were
        List<AuditEvent> forged = new ArrayList<>();
        String prev = original.get(0).prevHash();
        for (AuditEvent e : original) {
            String payload = e.seq() == edited ? e.payload().replace("\"expert\"", "\"admin\"") : e.payload();
            String hash = AuditChain.hash(e.seq(), e.at(), e.actor(), e.action(), e.subject(), e.projectId(), payload, prev);
            forged.add(new AuditEvent(e.seq(), e.at(), e.actor(), e.action(), e.subject(), e.projectId(), payload, prev,
                    hash, e.hmac()));
            prev = hash;
        }
        assertTrue(!forged.get(0).payload().equals(original.get(0).payload()));
        try {
            restore(forged);
            AuditChain.Verifier chainOnly = new AuditChain.Verifier();
            rowsFrom(1).forEach(chainOnly::accept);
            assertTrue(chainOnly.result().valid(), "the recomputed hash chain itself is intact");
            given().get("/api/audit/verify").then().statusCode(200).body("valid", equalTo(false))
                    .body("firstBrokenSeq", equalTo((int) edited))
                    .body("problem", containsString("event " + edited + " was not written by this server"));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertEquals(1, command(out));
            assertTrue(out.toString(StandardCharsets.UTF_8).contains("\"firstBrokenSeq\":" + edited), out.toString());
            // nor does stripping the HMACs help: every event from the first that carries one must
            editBehindTheAppsBack("update audit_events set hmac = null where seq >= " + edited);
            given().get("/api/audit/verify").then().body("valid", equalTo(false))
                    .body("firstBrokenSeq", equalTo((int) edited)).body("problem", containsString("carries no HMAC"));
        } finally {
            restore(original);
        }
        given().get("/api/audit/verify").then().body("valid", equalTo(true));
    }

    @Test
    void aReplacedAnchorIsNotGenuine() throws Exception {
        Api.newProject("audited anchor");
        AuditAnchor genuine = log.anchorHead().orElseThrow();
        Path file = log.settings().anchorDir().resolve(genuine.file());
        String original = Files.readString(file);
        // an anchor claiming another head, signed with a key that is not the server's
        AuditKey other = AuditKey.of("not-the-server-key-" + "x".repeat(32));
        AuditAnchor forged = AuditAnchor.signed(other, genuine.seq(), "f".repeat(64), genuine.hmacFrom(),
                Instant.now());
        try {
            Files.writeString(file, forged.json());
            given().get("/api/audit/verify").then().statusCode(200).body("valid", equalTo(false))
                    .body("problem", containsString("Anchor " + genuine.file() + " is not genuine"))
                    .body("anchor.forged", Matchers.hasItem(genuine.file()));
            // the same with the signature copied from the genuine file onto the forged claim
            Files.writeString(file, original.replace(genuine.hash(), "f".repeat(64)));
            given().get("/api/audit/verify").then().body("valid", equalTo(false))
                    .body("problem", containsString("is not genuine"));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertEquals(1, command(out));
            assertTrue(out.toString(StandardCharsets.UTF_8).contains("is not genuine"), out.toString());
        } finally {
            Files.writeString(file, original);
        }
        given().get("/api/audit/verify").then().body("valid", equalTo(true));
    }

    @Test
    void anAnchorFileNamedPastTheLargestSequenceIsForgedNotAFailure() throws Exception {
        Api.newProject("audited odd anchor");
        Path odd = log.settings().anchorDir().resolve("anchor-9999999999999999999.json");
        try {
            Files.writeString(odd, "{}");
            given().get("/api/audit/verify").then().statusCode(200).body("valid", equalTo(false))
                    .body("anchor.forged", Matchers.hasItem("anchor-9999999999999999999.json"));
        } finally {
            Files.deleteIfExists(odd);
        }
        given().get("/api/audit/verify").then().body("valid", equalTo(true));
    }

    @Test
    void anchorIntervalTakesQuarkusDurations() {
        for (var e : Map.of("5m", Duration.ofMinutes(5), "PT30S", Duration.ofSeconds(30),
                "90", Duration.ofSeconds(90)).entrySet()) {
            AuditSettings s = AuditSettings.from(k -> k.equals("rationale.audit.anchor-interval")
                    ? Optional.of(e.getKey()) : Optional.empty());
            assertEquals(e.getValue(), s.anchorInterval(), e.getKey());
        }
    }

    @Test
    void anAuditorOfOneProjectSeesItsCountsNotTheGlobalOnes() {
        long p = Api.newProject("audited scope");
        long auditor = Api.newUser("audit-scope-auditor", "auditor");
        Api.addMember(p, auditor);
        Api.newProject("audited scope elsewhere");
        long projectEvents = QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                "select count(*) from audit_events where project_id = ?1").setParameter(1, p).getSingleResult()).longValue());
        Map<String, Object> seen = Api.as("audit-scope-auditor").get("/api/audit/verify").then().statusCode(200)
                .body("valid", equalTo(true)).body("scope", equalTo("projects"))
                .extract().jsonPath().getMap("");
        assertNull(seen.get("events"), seen.toString());
        assertNull(seen.get("headSeq"), seen.toString());
        assertNull(seen.get("anchor"), seen.toString());
        assertEquals(List.of(Map.of("projectId", (int) p, "events", (int) projectEvents)), seen.get("projects"));
        given().get("/api/audit/verify").then().body("scope", equalTo("global"))
                .body("events", equalTo((int) lastSeq())).body("headSeq", equalTo((int) lastSeq()));
    }

    @Test
    void onlyAdminsAndAuditorsReadTheTrail() {
        long p = Api.newProject("audited access");
        Api.addMember(p, Api.newUser("audit-expert", "expert"));
        long auditor = Api.newUser("audit-auditor", "auditor");
        Api.addMember(p, auditor);
        Api.newUser("audit-stranger", "auditor");
        Api.as("audit-expert").get("/api/audit/verify").then().statusCode(403);
        Api.as("audit-auditor").get("/api/audit/verify").then().statusCode(200).body("valid", equalTo(true));
        Api.as("audit-auditor").get("/api/audit/events?projectId=" + p).then().statusCode(200);
        Api.as("audit-auditor").get("/api/audit/events").then().statusCode(400).body("error", equalTo("Missing projectId"));
        Api.as("audit-stranger").get("/api/audit/events?projectId=" + p).then().statusCode(403);
        given().get("/api/audit/events?projectId=" + p + "&limit=0").then().statusCode(400);
        given().get("/api/audit/events?projectId=" + p + "&afterSeq=-1").then().statusCode(400);
        given().get("/api/audit/events?projectId=" + p + "&limit=many").then().statusCode(400);
        given().auth().none().get("/api/audit/verify").then().statusCode(401);
    }
}
