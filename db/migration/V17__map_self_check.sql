-- Engine self-check (issue 16): a worker computes a random share of its maps twice; when the two
-- differ beyond float16 rounding, the maps of that batch are stored flagged (self_check says why)
-- and the worker is marked unreliable and stops claiming. Maps without signal (all zero, constant)
-- are recognised on read from min_value and max_value: nothing is stored for them.
alter table saliency_maps add column self_check text;

alter table workers
    add column unreliable    text,
    add column unreliable_at timestamptz,
    add column self_checks   bigint not null default 0;
