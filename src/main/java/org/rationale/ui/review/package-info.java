/**
 * The expert's pages of a project: the review session (verdicts, painted masks, the canvas) and
 * reviewer agreement. They use the frame of {@code ui} and the services of {@code review} and
 * below.
 */
package org.rationale.ui.review;
