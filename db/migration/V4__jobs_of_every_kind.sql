-- Training runs through the job queue (one item per training job); predict jobs join saliency jobs.

-- the model version a training job stored: a retried job finds it instead of storing a second one
alter table model_versions add column training_job_id bigint unique references jobs (id) on delete set null;

-- training jobs of earlier versions ran outside the queue and have no item: one left open can never finish
update jobs set state = 'failed', error = 'interrupted: the server stopped while the job was queued or running',
    finished_at = now()
where kind = 'train' and state in ('queued', 'running')
  and not exists (select 1 from job_items i where i.job_id = jobs.id);

-- claims go along job_items_queue and expiry along job_items_claimable; this first index only
-- cost every state change of an item one more index entry
drop index job_items_claim;
