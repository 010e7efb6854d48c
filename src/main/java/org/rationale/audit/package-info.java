/**
 * The audit trail every service writes to: {@link org.rationale.audit.AuditLog} owns the table
 * {@code audit_events} (an HMAC-signed SHA-256 hash chain appended in the caller's transaction),
 * with its key, its anchors outside the database, and its verification (the command and
 * {@code /api/audit}). It imports no capability package; it asks {@link org.rationale.audit.AuditCaller} who acts.
 */
package org.rationale.audit;
