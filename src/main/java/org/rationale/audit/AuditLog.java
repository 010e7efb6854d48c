package org.rationale.audit;

import org.rationale.database.Owns;
import org.rationale.error.Invalid;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Tuple;
import jakarta.transaction.Transactional;
import org.rationale.security.Access;
import org.rationale.security.Caller;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The append-only audit trail. {@link #record} joins the caller's transaction, so an event exists
 * exactly when the change it describes was committed; appends are serialised by a transaction-level
 * advisory lock so that the chain never forks.
 */
@ApplicationScoped
@Owns("audit_events")
public class AuditLog {

    /** Key of the advisory lock that serialises appends to the chain. */
    private static final long CHAIN_LOCK = 0x52_41_54_49_4f_4e_41_4cL;

    /** Who acts when no person is logged in (workers, the round conductor, the demo seeder). */
    public static final String SYSTEM = "system";

    /** The columns {@link #read} expects, in its order. */
    static final String COLUMNS = "seq, at, actor, action, subject, project_id, payload, prev_hash, hash, hmac";

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(AuditLog.class);

    private final EntityManager em;
    private final Access access;
    private final AuditSettings settings;
    private final AuditKey key;
    private volatile Long hmacFrom;
    private volatile long anchoredSeq;

    AuditLog(EntityManager em, Access access) {
        this.em = em;
        this.access = access;
        org.eclipse.microprofile.config.Config config = org.eclipse.microprofile.config.ConfigProvider.getConfig();
        this.settings = AuditSettings.from(name -> config.getOptionalValue(name, String.class));
        try {
            this.key = AuditKey.load(settings, true);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("Cannot read or create the audit key: " + e.getMessage(), e);
        }
    }

    /** Where the key and the anchors live. */
    public AuditSettings settings() {
        return settings;
    }

    /** The key this server signs events and anchors with. */
    AuditKey key() {
        return key;
    }

    /** A payload from alternating keys and values (nulls allowed), in the order given. */
    public static Map<String, Object> details(Object... keysAndValues) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    /** Appends an event for the logged-in caller (or {@link #SYSTEM}) in the current transaction. */
    @Transactional
    public AuditEvent record(String action, String subject, Long projectId, Map<String, ?> payload) {
        String actor = access.current().map(Caller::username).orElse(SYSTEM);
        return record(actor, action, subject, projectId, payload);
    }

    /** Appends an event for a named actor in the current transaction. */
    @Transactional
    public AuditEvent record(String actor, String action, String subject, Long projectId, Map<String, ?> payload) {
        String json = AuditChain.canonical(payload == null ? Map.of() : payload);
        em.createNativeQuery("select pg_advisory_xact_lock(?1)").setParameter(1, CHAIN_LOCK).getSingleResult();
        Tuple last = (Tuple) em.createNativeQuery("select coalesce(max(seq), 0) as seq, "
                + "coalesce((select hash from audit_events order by seq desc limit 1), ?1) as hash from audit_events",
                        Tuple.class).setParameter(1, AuditChain.GENESIS).getSingleResult();
        long seq = last.get("seq", Number.class).longValue() + 1;
        String prev = last.get("hash").toString();
        Instant at = AuditChain.truncate(Instant.now());
        String hash = AuditChain.hash(seq, at, actor, action, subject, projectId, json, prev);
        String hmac = key.eventHmac(hash);
        em.createNativeQuery("insert into audit_events (seq, at, actor, action, subject, project_id, payload, prev_hash, "
                        + "hash, hmac) values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)")
                .setParameter(1, seq).setParameter(2, OffsetDateTime.ofInstant(at, java.time.ZoneOffset.UTC))
                .setParameter(3, actor).setParameter(4, action).setParameter(5, subject).setParameter(6, projectId)
                .setParameter(7, json).setParameter(8, prev).setParameter(9, hash).setParameter(10, hmac).executeUpdate();
        return new AuditEvent(seq, at, actor, action, subject, projectId, json, prev, hash, hmac);
    }

    /**
     * Recomputes the whole chain from the stored rows, checks every event's HMAC and compares the
     * database with the newest genuine anchor (see {@link AuditChain.Verifier}).
     */
    @Transactional
    public AuditChain.Verification verify() {
        AuditAnchor.Folder anchors = anchors();
        AuditChain.Verifier v = new AuditChain.Verifier(key, anchors.genuine(), anchors.forged());
        stream("select " + COLUMNS + " from audit_events order by seq", ps -> { }, v::accept);
        return v.result();
    }

    private AuditAnchor.Folder anchors() {
        try {
            return AuditAnchor.read(settings.anchorDir(), key);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("Cannot read the audit anchors in " + settings.anchorDir(), e);
        }
    }

    /** Events of one project in the trail, for a reader who may not see the global numbers. */
    public record ProjectEvents(long projectId, long events) {
    }

    /**
     * What a caller may see of a verification. Admins: everything ({@code scope} {@code global}).
     * Others: whether the trail is intact, its head hash (which every report carries) and the event
     * counts of their own projects ({@code scope} {@code projects}); no global counts or sequence
     * numbers, which would tell them how much happens in projects they do not see.
     */
    public record VerifyAnswer(String scope, boolean valid, Long events, Long firstBrokenSeq, Long headSeq,
                               String headHash, String problem, List<String> problems, Long hmacFromSeq,
                               AuditChain.AnchorCheck anchor, List<ProjectEvents> projects) {
    }

    /** The verification as the logged-in caller may see it. */
    @Transactional
    public VerifyAnswer verifyForCaller() {
        AuditChain.Verification v = verify();
        Caller caller = access.caller();
        if (caller.isAdmin()) {
            return new VerifyAnswer("global", v.valid(), v.events(), v.firstBrokenSeq(), v.headSeq(), v.headHash(),
                    v.problem(), v.problems(), v.hmacFromSeq(), v.anchor(), null);
        }
        List<Long> mine = access.memberProjects();
        List<ProjectEvents> counts = new ArrayList<>();
        if (!mine.isEmpty()) {
            Map<Long, Long> events = new HashMap<>();
            for (Object row : em.createNativeQuery("select project_id, count(*) as events from audit_events "
                    + "where project_id = any(cast(?1 as bigint[])) group by project_id", Tuple.class)
                    .setParameter(1, mine.toArray(new Long[0])).getResultList()) {
                Tuple t = (Tuple) row;
                events.put(t.get("project_id", Number.class).longValue(), t.get("events", Number.class).longValue());
            }
            mine.stream().distinct().sorted().forEach(p -> counts.add(new ProjectEvents(p, events.getOrDefault(p, 0L))));
        }
        return new VerifyAnswer("projects", v.valid(), null, null, null, v.headHash(),
                v.valid() ? null : "The audit trail is broken or incomplete; an administrator sees where",
                null, null, null, List.copyOf(counts));
    }

    /**
     * Writes a signed anchor of the committed head to the anchor folder, when the head moved since
     * the last anchor this process wrote. Call it outside any transaction that appends events: an
     * anchor must only vouch for committed events. Returns the anchor written, if any.
     */
    public synchronized Optional<AuditAnchor> anchorHead() {
        Tuple row = QuarkusTransaction.requiringNew().call(() -> {
            List<?> rows = em.createNativeQuery("select seq, hash from audit_events order by seq desc limit 1", Tuple.class)
                    .getResultList();
            if (rows.isEmpty()) {
                return null;
            }
            if (hmacFrom == null) {
                Object first = em.createNativeQuery("select min(seq) from audit_events where hmac is not null")
                        .getSingleResult();
                hmacFrom = first == null ? null : ((Number) first).longValue();
            }
            return (Tuple) rows.get(0);
        });
        if (row == null) {
            return Optional.empty();
        }
        long seq = row.get("seq", Number.class).longValue();
        if (seq <= anchoredSeq) {
            return Optional.empty();
        }
        AuditAnchor anchor = AuditAnchor.signed(key, seq, row.get("hash").toString().strip(), hmacFrom, Instant.now());
        try {
            anchor.writeTo(settings.anchorDir());
        } catch (java.io.IOException e) {
            LOG.errorf("Could not write the audit anchor %s to %s: %s", anchor.file(), settings.anchorDir(), e.getMessage());
            return Optional.empty();
        }
        anchoredSeq = seq;
        return Optional.of(anchor);
    }

    /** The newest event, if any: its hash stands for the whole chain before it. */
    @Transactional
    public Optional<AuditEvent> head() {
        List<AuditEvent> out = new ArrayList<>();
        stream("select " + COLUMNS + " from audit_events "
                + "order by seq desc limit 1", ps -> { }, out::add);
        return out.stream().findFirst();
    }

    /**
     * A page of the trail for a reader: events of a project (null: all) after a sequence number,
     * oldest first; 400 for a limit outside 1 to 10,000 or a negative sequence number.
     */
    @Transactional
    public List<AuditEvent> page(Long projectId, long afterSeq, int limit) {
        if (limit < 1 || limit > 10_000) {
            throw new Invalid("Invalid limit " + limit, "Between 1 and 10,000");
        }
        if (afterSeq < 0) {
            throw new Invalid("Invalid afterSeq " + afterSeq, "A sequence number, 0 or more");
        }
        return events(projectId, null, null, afterSeq, limit);
    }

    /** The newest events of one action in a project, newest first, at most {@code limit}. */
    @Transactional
    public List<AuditEvent> latest(long projectId, String action, int limit) {
        List<AuditEvent> out = new ArrayList<>();
        stream("select " + COLUMNS + " from audit_events "
                + "where project_id = ? and action = ? order by seq desc limit ?", ps -> {
                    ps.setLong(1, projectId);
                    ps.setString(2, action);
                    ps.setInt(3, limit);
                }, out::add);
        return out;
    }

    /** Events of a project in a time range (either end may be null), oldest first, at most {@code limit}. */
    @Transactional
    public List<AuditEvent> events(Long projectId, Instant from, Instant to, long afterSeq, int limit) {
        List<AuditEvent> out = new ArrayList<>();
        forEach(projectId, from, to, afterSeq, limit, out::add);
        return out;
    }

    /** Streams events of a project in a time range (either end may be null), oldest first. */
    @Transactional
    public void forEach(Long projectId, Instant from, Instant to, long afterSeq, int limit, Consumer<AuditEvent> sink) {
        stream("select " + COLUMNS + " from audit_events "
                + "where (cast(? as bigint) is null or project_id = ?) and (cast(? as timestamptz) is null or at >= ?) "
                + "and (cast(? as timestamptz) is null or at < ?) and seq > ? order by seq limit ?", ps -> {
                    ps.setObject(1, projectId);
                    ps.setObject(2, projectId);
                    ps.setObject(3, ts(from));
                    ps.setObject(4, ts(from));
                    ps.setObject(5, ts(to));
                    ps.setObject(6, ts(to));
                    ps.setLong(7, afterSeq);
                    ps.setInt(8, limit);
                }, sink);
    }

    private static OffsetDateTime ts(Instant t) {
        return t == null ? null : OffsetDateTime.ofInstant(t, java.time.ZoneOffset.UTC);
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private void stream(String sql, Binder binder, Consumer<AuditEvent> sink) {
        em.unwrap(org.hibernate.Session.class).doWork(c -> stream(c, sql, binder, sink));
    }

    /**
     * Streams every event, oldest first, through a plain connection: for the {@code audit-verify}
     * command, which reads the database without the app. The read runs in a transaction (rolled
     * back) so that the fetch size streams the rows instead of loading them all.
     */
    static void streamAll(Connection c, Consumer<AuditEvent> sink) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            stream(c, "select " + COLUMNS + " from audit_events order by seq", ps -> { }, sink);
        } finally {
            c.rollback();
            c.setAutoCommit(auto);
        }
    }

    private static void stream(Connection c, String sql, Binder binder, Consumer<AuditEvent> sink) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setFetchSize(5000);
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sink.accept(read(rs));
                }
            }
        }
    }

    static AuditEvent read(ResultSet rs) throws SQLException {
        Timestamp at = rs.getTimestamp(2);
        long project = rs.getLong(6);
        Long projectId = rs.wasNull() ? null : project;
        return new AuditEvent(rs.getLong(1), at.toInstant(), rs.getString(3), rs.getString(4), rs.getString(5),
                projectId, rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10));
    }
}
