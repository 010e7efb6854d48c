/**
 * The audit report page of a project: scope, downloads in four formats, the chain's verification
 * and earlier downloads. It uses the frame of {@code ui} and the services of {@code report} and
 * {@code audit}.
 */
package org.rationale.ui.audit;
