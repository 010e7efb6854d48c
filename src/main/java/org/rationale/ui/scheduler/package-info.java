/**
 * The feedback-rounds page of a project: the scheduler's queue with each sample's score
 * breakdown, the rounds with their learning curves, start and retrain. It uses the frame of
 * {@code ui} and the services of {@code scheduler} and {@code report}.
 */
package org.rationale.ui.scheduler;
