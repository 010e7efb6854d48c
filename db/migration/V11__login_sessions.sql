-- Logins made through the login form. The browser holds a random token in the cookie
-- rationale-session; only its SHA-256 is stored. Logging out, a new password or disabling the
-- user deletes the rows, which ends those logins even for a saved copy of the cookies.
create table login_sessions (
    token_hash text        primary key,
    user_id    bigint      not null references users (id) on delete cascade,
    created_at timestamptz not null default now()
);

create index login_sessions_by_user on login_sessions (user_id, created_at);
