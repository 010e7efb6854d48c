/**
 * Active learning: the scores and strategies that rank a project's candidate pool, the stored
 * review queue with each place's score breakdown ({@link SchedulerService}),
 * and the feedback rounds that rank, review, retrain and recompute
 * ({@link RoundService}). Owns the tables {@code rounds} and
 * {@code review_queue}, whose SQL is all in {@link RoundStore}; the
 * predictions, maps, masks, samples and project settings it reads come from their own stores.
 */
package org.rationale.scheduler;
