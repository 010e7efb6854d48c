-- Model registry, predictions and stored saliency maps (issue 3).

alter table model_versions
    add column spec         text    not null default '{}',
    add column origin       text    not null default 'uploaded' check (origin in ('uploaded', 'trained')),
    add column training     text,
    add column supports_cam boolean not null default false;

create table model_artifacts (
    model_version_id bigint not null references model_versions (id) on delete cascade,
    part             text   not null check (part in ('model', 'features', 'classifier', 'parameters')),
    sha256           text   not null,
    bytes            bytea  not null,
    primary key (model_version_id, part)
);

alter table predictions
    add column entropy    real        not null default 0,
    add column margin     real        not null default 0,
    add column created_at timestamptz not null default now();

alter table saliency_maps
    add column channels   integer not null default 1,
    add column min_value  real    not null default 0,
    add column max_value  real    not null default 0,
    add column sum_value  double precision not null default 0,
    add column metrics    text    not null default '{}';

-- background jobs (training now; the saliency queue of issue 4 builds on this table)
alter table jobs
    add column progress real not null default 0,
    add column result   text,
    add column error    text,
    add column started_at timestamptz;
