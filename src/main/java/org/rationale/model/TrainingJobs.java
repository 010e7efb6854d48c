package org.rationale.model;

import java.util.Optional;

/**
 * Where trainings run as jobs: the job queue (the worker package, which depends on this one)
 * stores them, so that training asks the owner of the jobs without depending on it.
 */
public interface TrainingJobs {

    /** A queued training: its project and the request as stored (JSON). */
    record Queued(long projectId, String request) {
    }

    /** Stores a queued training job with its one item; returns the job id. */
    long queue(long projectId, String request);

    /** The training job of this id, if there is one. */
    Optional<Queued> training(long jobId);

    /** Writes progress and, when given, the result (JSON) of a training job. */
    void progress(long jobId, double progress, String result);
}
