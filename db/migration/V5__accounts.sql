-- Accounts: one role per user decides what they may do; project membership decides what they see.

alter table users add column role text not null default 'expert'
    check (role in ('admin', 'engineer', 'expert', 'auditor'));
alter table users add column enabled boolean not null default true;
alter table users add constraint users_username_format check (username ~ '^[a-z0-9][a-z0-9._-]{1,39}$');

-- the first schema gave members a per-project role; the user's own role replaces it
alter table project_members drop column role;
alter table project_members add column added_at timestamptz not null default now();
create index project_members_user on project_members (user_id);
