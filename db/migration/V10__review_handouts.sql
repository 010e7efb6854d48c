-- Which stored maps were handed to which reviewer (drawn by the review page, or answered by
-- POST /api/projects/{id}/review/next): a verdict may judge only a map handed to its reviewer.
create table review_handouts (
    saliency_map_id bigint      not null references saliency_maps (id) on delete cascade,
    user_id         bigint      not null references users (id) on delete cascade,
    handed_at       timestamptz not null default now(),
    primary key (saliency_map_id, user_id)
);
create index review_handouts_user on review_handouts (user_id);

-- verdicts given before hand-outs were recorded judged maps their reviewers had: they stay changeable
insert into review_handouts (saliency_map_id, user_id, handed_at)
select saliency_map_id, user_id, min(created_at) from reviews group by saliency_map_id, user_id
on conflict do nothing;
