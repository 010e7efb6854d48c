/**
 * The tamper-evident audit trail every package writes to: owns {@code audit_events} (all its SQL is in
 * {@link org.rationale.audit.AuditLog}), the hash chain with its HMAC key, the signed anchors outside the
 * database and their verification, also offline by the {@code audit-verify} command.
 */
package org.rationale.audit;
