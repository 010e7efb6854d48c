package org.rationale.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
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

    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .findAndAddModules()
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

    /** The outcome of checking a chain. {@code firstBrokenSeq} is null when it is intact. */
    public record Verification(boolean valid, long events, Long firstBrokenSeq, String headHash, String problem) {
    }

    /**
     * Checks events fed in storage order (by sequence number), one at a time, so that a chain of
     * millions of events needs no memory. Call {@link #result()} at the end.
     */
    public static final class Verifier {
        private long expectedSeq = 1;
        private String prev = GENESIS;
        private long count;
        private Long broken;
        private String problem;

        public void accept(AuditEvent e) {
            count++;
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
            prev = e.hash();
            expectedSeq++;
        }

        private void fail(long seq, String why) {
            broken = seq;
            problem = "Event " + seq + ": " + why;
        }

        public Verification result() {
            return new Verification(broken == null, count, broken, broken == null ? prev : null, problem);
        }
    }
}
