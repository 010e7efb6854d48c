package org.rationale.audit;

import java.time.Instant;

/**
 * One entry of the audit trail: who ({@code actor}) did what ({@code action}) to which thing
 * ({@code subject}, e.g. {@code verdict:17}), in which project, with the details as canonical JSON,
 * chained to the event before it by {@code prevHash}.
 */
public record AuditEvent(long seq, Instant at, String actor, String action, String subject, Long projectId,
                         String payload, String prevHash, String hash) {
}
