-- The audit trail's anchor outside the database, and a runtime role that cannot switch it off.
--
-- Each event now carries the server's HMAC of its hash under a key that is never stored in the
-- database (org.rationale.audit.AuditKey). Events stored before this migration have none; the
-- verification says from which sequence number HMACs begin, and the signed anchors written outside
-- the database carry that number too, so that stripping HMACs later is caught.
alter table audit_events add column hmac char(64);

-- The rights of the app's runtime role: data only (SELECT, INSERT, UPDATE, DELETE on the tables,
-- USAGE and SELECT on the sequences), never ownership, so it cannot ALTER a table, DISABLE TRIGGER
-- or SET session_replication_role. The audit trail and Flyway's history are read-only for it
-- (apart from appending events). Default privileges cover the tables that later migrations create
-- (they are created by the same owner role). Idempotent: afterMigrate.sql calls it after every
-- migration with the configured runtime role (the placeholder app_role, the datasource user); it does
-- nothing when that role is the migrating role itself (one user does both) or does not exist.
create function rationale_grant_runtime_role(runtime text) returns void language plpgsql as $$
begin
    if runtime is null or runtime = '' or runtime = current_user
            or not exists (select 1 from pg_roles where rolname = runtime) then
        return;
    end if;
    execute format('grant usage on schema public to %I', runtime);
    execute format('grant select, insert, update, delete on all tables in schema public to %I', runtime);
    execute format('grant usage, select on all sequences in schema public to %I', runtime);
    execute format('alter default privileges in schema public grant select, insert, update, delete on tables to %I', runtime);
    execute format('alter default privileges in schema public grant usage, select on sequences to %I', runtime);
    execute format('revoke update, delete, truncate on audit_events from %I', runtime);
    if exists (select 1 from pg_tables where schemaname = 'public' and tablename = 'flyway_schema_history') then
        execute format('revoke insert, update, delete, truncate on flyway_schema_history from %I', runtime);
    end if;
    -- the scheduler analyzes review_queue after a bulk insert; PostgreSQL 17 lets a non-owner do that
    if current_setting('server_version_num')::int >= 170000 then
        execute format('grant maintain on review_queue to %I', runtime);
    end if;
end
$$;
