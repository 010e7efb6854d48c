/**
 * The HTTP edge shared by every REST resource: domain errors and malformed bodies mapped to statuses and
 * JSON errors in one place, request filters (control characters, upload limits, the worker role, Basic
 * user names) and answers for unknown API paths. Owns no table.
 */
package org.rationale.web;
