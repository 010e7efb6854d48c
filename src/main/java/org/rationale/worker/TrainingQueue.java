package org.rationale.worker;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.rationale.audit.AuditCaller;
import org.rationale.model.TrainingJobs;

import java.util.Optional;

/** Trainings as jobs of kind {@link JobKind#TRAIN} with one item that works on no sample. */
@ApplicationScoped
public class TrainingQueue implements TrainingJobs {

    private final JobStore store;

    @Inject
    AuditCaller caller;

    TrainingQueue(JobStore store) {
        this.store = store;
    }

    @Override
    @Transactional
    public long queue(long projectId, String request) {
        long id = store.insertJob(projectId, JobKind.TRAIN, request, 0, caller.username().orElse(null));
        store.insertItem(id);
        return id;
    }

    @Override
    @Transactional
    public Optional<Queued> training(long jobId) {
        return store.job(jobId, JobKind.TRAIN).map(r -> new Queued(r.projectId(), r.parameters()));
    }

    @Override
    @Transactional
    public void progress(long jobId, double progress, String result) {
        store.progress(jobId, progress, result);
    }
}
