-- Audit trail: an append-only hash chain of every state change. Each event's hash covers the
-- previous event's hash and all of its own columns (see org.rationale.audit.AuditChain), so an
-- edit, a deletion or a reordering behind the app's back breaks the chain at that row.

-- V1 sketched an audit_events table that nothing ever wrote to; this one replaces it.
drop table audit_events;

create table audit_events (
    seq        bigint      primary key check (seq >= 1),
    at         timestamptz not null,
    actor      text        not null,
    action     text        not null,
    subject    text        not null,
    project_id bigint,
    payload    text        not null,
    prev_hash  char(64)    not null,
    hash       char(64)    not null unique
);
create index audit_events_project on audit_events (project_id, seq);
create index audit_events_action on audit_events (project_id, action, seq);

-- The database itself refuses to change or remove an event, whoever asks.
create function audit_events_refuse_change() returns trigger language plpgsql as $$
begin
    raise exception 'audit_events is append-only: % refused', tg_op using errcode = 'insufficient_privilege';
end
$$;
create trigger audit_events_no_update before update or delete on audit_events
    for each row execute function audit_events_refuse_change();
create trigger audit_events_no_truncate before truncate on audit_events
    for each statement execute function audit_events_refuse_change();
