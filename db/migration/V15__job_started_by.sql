-- Who started a job: the logged-in user who submitted it (a saliency or predict job, a training,
-- a round's first recomputation); null when the system started it (a round's conductor, the demo).
alter table jobs add column started_by text;
