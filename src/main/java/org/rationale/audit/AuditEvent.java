package org.rationale.audit;

import java.time.Instant;

/**
 * One entry of the audit trail: who ({@code actor}) did what ({@code action}) to which thing
 * ({@code subject}, e.g. {@code verdict:17}), in which project, with the details as canonical JSON,
 * chained to the event before it by {@code prevHash}. {@code hmac} is the server's HMAC of the
 * hash under the audit key (see {@link AuditKey}); null for events stored before HMACs existed.
 */
public record AuditEvent(long seq, Instant at, String actor, String action, String subject, Long projectId,
                         String payload, String prevHash, String hash, String hmac) {

    /** An event without an HMAC. */
    public AuditEvent(long seq, Instant at, String actor, String action, String subject, Long projectId,
                      String payload, String prevHash, String hash) {
        this(seq, at, actor, action, subject, projectId, payload, prevHash, hash, null);
    }
}
