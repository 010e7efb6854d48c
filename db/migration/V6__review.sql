-- Expert review: one verdict per reviewer and map (changed in place, version-checked), shared
-- annotation masks per sample and kind (version-checked), reservations of samples for reviewers.

alter table reviews add column sample_id bigint references samples (id) on delete cascade;
alter table reviews add column model_version_id bigint references model_versions (id) on delete cascade;
alter table reviews add column project_id bigint references projects (id) on delete cascade;
alter table reviews add column updated_at timestamptz not null default now();
update reviews r set sample_id = m.sample_id, model_version_id = m.model_version_id, project_id = s.project_id
from saliency_maps m join samples s on s.id = m.sample_id where m.id = r.saliency_map_id;
alter table reviews alter column sample_id set not null;
alter table reviews alter column model_version_id set not null;
alter table reviews alter column project_id set not null;
alter table reviews alter column user_id set not null;
alter table reviews add constraint reviews_one_per_reviewer unique (saliency_map_id, user_id);
create index reviews_project_user on reviews (project_id, user_id, updated_at);
create index reviews_sample on reviews (sample_id);

alter table annotations add column updated_at timestamptz not null default now();
alter table annotations add column width integer not null default 0;
alter table annotations add column height integer not null default 0;
alter table annotations add column pixels integer not null default 0;
alter table annotations add constraint annotations_one_per_kind unique (sample_id, kind);

alter table projects add column review_overlap integer not null default 1 check (review_overlap between 1 and 10);
alter table projects add column reservation_minutes integer not null default 15 check (reservation_minutes between 1 and 1440);

create table review_reservations (
    sample_id      bigint      not null references samples (id) on delete cascade,
    user_id        bigint      not null references users (id) on delete cascade,
    project_id     bigint      not null references projects (id) on delete cascade,
    reserved_until timestamptz not null,
    primary key (sample_id, user_id)
);
create index review_reservations_project on review_reservations (project_id, reserved_until);
-- the review queue walks a project's split in id order
create index samples_queue on samples (project_id, split, id);
create index review_reservations_user on review_reservations (user_id, project_id, reserved_until);
