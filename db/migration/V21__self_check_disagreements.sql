-- Engine self-check (issue 16, session 10): a checked batch whose second computation differs is
-- computed a third time and the answer two agree on is stored; every such disagreement is counted
-- per worker and shown on the workers table.
alter table workers add column self_check_disagreements bigint not null default 0;
