/**
 * Audit reports of a project (PDF, HTML, JSON with a schema, CSV): the facts gathered from the
 * services that own them ({@link org.rationale.report.ReportFacts}), their drawing
 * ({@link org.rationale.report.ReportWriter}) and the learning curves. It owns no table; it reads
 * every capability through its service and sits above them all but the UI and the demo.
 */
package org.rationale.report;
