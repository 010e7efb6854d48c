package org.rationale.audit;

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
                        org.rationale.saliency.ReferenceFixtures.bytes("cnn.pt"), "application/octet-stream")
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
            assertEquals(e.get("hash"), AuditChain.hash(seq, java.time.Instant.parse(e.get("at").toString()),
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
    void theDatabaseRefusesToChangeOrRemoveAnEvent() {
        Api.newProject("audited immutability");
        long seq = lastSeq();
        for (String sql : List.of("update audit_events set actor = 'mallory' where seq = " + seq,
                "delete from audit_events where seq = " + seq, "truncate audit_events")) {
            Exception e = assertThrows(Exception.class, () -> QuarkusTransaction.requiringNew().run(() ->
                    em.createNativeQuery(sql).executeUpdate()), sql);
            assertTrue(rootMessage(e).contains("append-only"), sql + ": " + rootMessage(e));
        }
        assertEquals(seq, lastSeq());
    }

    private static String rootMessage(Throwable e) {
        StringBuilder s = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            s.append(t.getMessage()).append(" / ");
        }
        return s.toString();
    }

    /** Edits a stored row with the append-only trigger bypassed, as someone with the database's keys could. */
    private void editBehindTheAppsBack(String sql) throws Exception {
        try (Connection c = dataSource.getConnection(); var st = c.createStatement()) {
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
            try (Connection c = dataSource.getConnection()) {
                assertEquals(1, AuditVerifyCommand.run(c, new PrintStream(out, true, StandardCharsets.UTF_8)));
            }
            assertTrue(out.toString(StandardCharsets.UTF_8).contains("\"firstBrokenSeq\":" + edited), out.toString());
        } finally {
            editBehindTheAppsBack("update audit_events set payload = '" + original.replace("'", "''") + "' where seq = " + edited);
        }
        given().get("/api/audit/verify").then().body("valid", equalTo(true));
        try (Connection c = dataSource.getConnection()) {
            assertEquals(0, AuditVerifyCommand.run(c, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
        }
    }

    @Test
    void aDeletedEventIsNamedByTheChain() {
        AuditChain.Verifier v = new AuditChain.Verifier();
        java.time.Instant t = java.time.Instant.parse("2026-11-30T08:00:00.123456Z");
        String prev = AuditChain.GENESIS;
        List<AuditEvent> chain = new java.util.ArrayList<>();
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
