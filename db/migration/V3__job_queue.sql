-- The durable job queue (issue 4): jobs split into items that workers claim with
-- FOR UPDATE SKIP LOCKED and hold under a lease renewed by heartbeats.

alter table jobs
    add column priority         integer not null default 0,
    add column cancel_requested boolean not null default false;

update jobs set state = 'succeeded' where state = 'done';

alter table job_items
    add column updated_at  timestamptz not null default now(),
    add column finished_at timestamptz;

create index job_items_job_state on job_items (job_id, state);
create index job_items_claimable on job_items (state, lease_until) where state in ('queued', 'leased');
create index job_items_queue on job_items (job_id, id) where state in ('queued', 'leased');

create table workers (
    id           text primary key,
    host         text        not null,
    device       text        not null,
    threads      integer     not null,
    started_at   timestamptz not null default now(),
    heartbeat_at timestamptz not null default now(),
    batches_done bigint      not null default 0,
    items_done   bigint      not null default 0
);
