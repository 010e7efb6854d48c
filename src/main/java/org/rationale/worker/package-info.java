/**
 * The job queue and the workers: owns the tables {@code jobs}, {@code job_items} and {@code workers}
 * (all their SQL is in {@link org.rationale.worker.JobStore}). Saliency and predict jobs are submitted
 * here; trainings are queued here for the model package through its {@code TrainingJobs} port. Worker
 * threads claim items with SKIP LOCKED under leases and compute them through the model and saliency packages.
 */
package org.rationale.worker;
