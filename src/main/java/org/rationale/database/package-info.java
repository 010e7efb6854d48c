/**
 * The database itself: the embedded PostgreSQL, the runtime-role check, small settings kept in
 * {@code app_settings} ({@link org.rationale.database.AppSettings}), the {@link org.rationale.database.Owns}
 * marker of each table's one owner, and helpers for PostgreSQL arrays and timestamps in native queries.
 */
package org.rationale.database;
