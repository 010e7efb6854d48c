package org.rationale.audit;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import org.rationale.config.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The rules of the hash chain, free of any database so that anyone can check them. An event's hash
 * is the SHA-256 (lower-case hex) of the UTF-8 bytes of its envelope: the compact JSON object with
 * the keys in this order {@code action, actor, at, payload, prev, project, seq, subject}, where
 * {@code at} is the UTC time with exactly six decimals ({@code 2026-11-30T07:45:12.123456Z}),
 * {@code payload} is the stored canonical JSON inserted as it is, {@code prev} the previous event's
 * hash (64 zeros before the first event) and {@code project} a number or null. Payloads are
 * canonical: keys sorted, no whitespace. The first event has sequence number 1 and each next one
 * the number after it.
 */
public final class AuditChain {

    /** The previous hash of the first event. */
    public static final String GENESIS = "0".repeat(64);

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    private static final ObjectMapper CANONICAL = Json.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .build();

    private AuditChain() {
    }

    /** Times are kept to the microsecond, as PostgreSQL stores them. */
    public static Instant truncate(Instant t) {
        return t.truncatedTo(ChronoUnit.MICROS);
    }

    public static String time(Instant t) {
        return TIME.format(truncate(t));
    }

    /** The canonical JSON of a payload: keys sorted at every level, no whitespace. */
    public static String canonical(Map<String, ?> payload) {
        try {
            return CANONICAL.writeValueAsString(CANONICAL.convertValue(payload, Object.class));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new IllegalArgumentException("Payload is not JSON-serialisable: " + e.getMessage(), e);
        }
    }

    /** The hash an event must carry. */
    public static String hash(long seq, Instant at, String actor, String action, String subject, Long projectId,
                              String payload, String prevHash) {
        ObjectNode envelope = CANONICAL.createObjectNode();
        envelope.put("action", action);
        envelope.put("actor", actor);
        envelope.put("at", time(at));
        envelope.putRawValue("payload", new RawValue(payload));
        envelope.put("prev", prevHash);
        if (projectId == null) {
            envelope.putNull("project");
        } else {
            envelope.put("project", projectId);
        }
        envelope.put("seq", seq);
        envelope.put("subject", subject);
        try {
            return sha256(CANONICAL.writeValueAsString(envelope).getBytes(StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String hash(AuditEvent e) {
        return hash(e.seq(), e.at(), e.actor(), e.action(), e.subject(), e.projectId(), e.payload(), e.prevHash());
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The outcome of checking a chain. {@code firstBrokenSeq} is null when it is intact; for a
     * truncated tail it is the first missing sequence number. {@code hmacFromSeq} is the first event
     * that carries an HMAC (events stored before HMACs existed carry none); {@code anchor} is the
     * comparison with the newest anchor, null when no anchor folder was read. {@code problem} is
     * the first of {@code problems}.
     */
    public record Verification(boolean valid, long events, Long firstBrokenSeq, Long headSeq, String headHash,
                               String problem, List<String> problems, Long hmacFromSeq, AnchorCheck anchor) {
    }

    /** How the database compares with the newest genuine anchor: {@code status} is {@code matches}, {@code missing-events}, {@code changed-events} or {@code none}. */
    public record AnchorCheck(String status, Long seq, String hash, String writtenAt, String file, List<String> forged) {
    }

    /**
     * Checks events fed in storage order (by sequence number), one at a time, so that a chain of
     * millions of events needs no memory. Call {@link #result()} at the end. With a key it also
     * checks each event's HMAC (every event from the first that carries one, or from the anchor's
     * {@code hmacFrom}, must carry a right one) and compares the chain with the anchors given.
     */
    public static final class Verifier {
        private final AuditKey key;
        private final List<AuditAnchor> anchors;
        private final Set<String> forged;
        private final Map<Long, AuditAnchor> anchorAt = new HashMap<>();
        private final Map<Long, Boolean> anchorMatches = new HashMap<>();
        private final Long hmacRequiredFrom;
        private Long hmacFrom;
        private long expectedSeq = 1;
        private String prev = GENESIS;
        private long count;
        private Long broken;
        private final List<String> problems = new ArrayList<>();

        /** Checks the hash chain only. */
        public Verifier() {
            this(null, List.of(), List.of());
        }

        /**
         * @param key     the audit key (null: HMACs are not checked)
         * @param anchors genuine anchors, newest first
         * @param forged  names of anchor files whose signature is wrong
         */
        public Verifier(AuditKey key, List<AuditAnchor> anchors, List<String> forged) {
            this.key = key;
            this.anchors = List.copyOf(anchors);
            this.forged = new LinkedHashSet<>(forged);
            for (AuditAnchor a : anchors) {
                anchorAt.put(a.seq(), a);
            }
            this.hmacRequiredFrom = anchors.stream().map(AuditAnchor::hmacFrom).filter(Objects::nonNull)
                    .min(Long::compare).orElse(null);
        }

        public void accept(AuditEvent e) {
            count++;
            AuditAnchor a = anchorAt.get(e.seq());
            if (a != null) {
                anchorMatches.put(e.seq(), a.hash().equals(e.hash()));
            }
            if (e.hmac() != null && hmacFrom == null) {
                hmacFrom = e.seq();
            }
            if (broken != null) {
                return;
            }
            if (e.seq() != expectedSeq) {
                fail(Math.min(e.seq(), expectedSeq), e.seq() > expectedSeq
                        ? "events " + expectedSeq + " to " + (e.seq() - 1) + " are missing"
                        : "sequence number " + e.seq() + " comes after " + (expectedSeq - 1));
                return;
            }
            if (!prev.equals(e.prevHash())) {
                fail(e.seq(), "its previous hash is not the hash of event " + (e.seq() - 1));
                return;
            }
            if (!hash(e).equals(e.hash())) {
                fail(e.seq(), "its contents do not match its hash");
                return;
            }
            if (key != null) {
                boolean required = hmacFrom != null || (hmacRequiredFrom != null && e.seq() >= hmacRequiredFrom);
                if (e.hmac() == null && required) {
                    fail(e.seq(), "it carries no HMAC although every event from " + (hmacFrom != null ? hmacFrom
                            : hmacRequiredFrom) + " on must: it was not written by this server");
                    return;
                }
                if (e.hmac() != null && !key.eventHmac(e.hash()).equals(e.hmac())) {
                    fail(e.seq(), "its HMAC does not match the audit key: event " + e.seq()
                            + " was not written by this server (edited, then the chain recomputed?)");
                    return;
                }
            }
            prev = e.hash();
            expectedSeq++;
        }

        private void fail(long seq, String why) {
            broken = seq;
            problems.add("Event " + seq + ": " + why);
        }

        public Verification result() {
            long head = expectedSeq - 1;
            Long firstBroken = broken;
            AnchorCheck check = null;
            if (key != null) {
                for (String f : forged) {
                    problems.add("Anchor " + f + " is not genuine: its signature does not match the audit key "
                            + "(replaced or forged, or signed with another key)");
                }
                check = compareWithAnchors(head);
                if (!"matches".equals(check.status()) && !"none".equals(check.status()) && firstBroken == null) {
                    firstBroken = "missing-events".equals(check.status()) ? head + 1 : firstChanged(check.seq());
                }
            }
            boolean valid = problems.isEmpty();
            return new Verification(valid, count, firstBroken, broken == null && head > 0 ? head : null,
                    broken == null ? prev : null, valid ? null : problems.get(0), List.copyOf(problems), hmacFrom, check);
        }

        /** The first sequence number after the newest anchor that still matches, below {@code seq}. */
        private long firstChanged(long seq) {
            return anchors.stream().filter(a -> a.seq() < seq && Boolean.TRUE.equals(anchorMatches.get(a.seq())))
                    .mapToLong(AuditAnchor::seq).max().orElse(0) + 1;
        }

        private AnchorCheck compareWithAnchors(long head) {
            List<String> forgedFiles = List.copyOf(forged);
            if (anchors.isEmpty()) {
                return new AnchorCheck("none", null, null, null, null, forgedFiles);
            }
            AuditAnchor newest = anchors.get(0);
            String when = newest.at();
            if (newest.seq() > head) {
                long from = broken == null ? head + 1 : Math.min(head + 1, broken);
                problems.add("Events " + from + ".." + newest.seq() + " missing or changed: the anchor written at "
                        + when + " vouches for event " + newest.seq() + " (hash " + newest.hash()
                        + "), the intact chain in the database ends at event " + head);
                return new AnchorCheck("missing-events", newest.seq(), newest.hash(), when, newest.file(), forgedFiles);
            }
            // every anchor read must match, not only the newest: a tail cut and written anew is caught
            // by the anchors written before the cut
            for (AuditAnchor a : anchors) {
                if (!Boolean.TRUE.equals(anchorMatches.get(a.seq()))) {
                    problems.add("Events " + firstChanged(a.seq()) + ".." + a.seq()
                            + " missing or changed: event " + a.seq() + " in the database does not have the hash "
                            + a.hash() + " that the anchor written at " + a.at() + " vouches for");
                    return new AnchorCheck("changed-events", a.seq(), a.hash(), a.at(), a.file(), forgedFiles);
                }
            }
            return new AnchorCheck("matches", newest.seq(), newest.hash(), when, newest.file(), forgedFiles);
        }
    }
}
