-- An image sample keeps the SHA-256 of its stored PNG (the platform re-encodes every image, so equal
-- pixels make equal PNGs): an import finds the images it shares with the project's other splits by
-- this hash, without reading the images again. Rows of tables have none (they compare their values).
alter table samples add column content_sha256 bytea;
update samples set content_sha256 = sha256(image_png) where image_png is not null and row_values is null;
create index samples_content on samples (project_id, content_sha256) where content_sha256 is not null;
