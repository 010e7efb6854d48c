-- Table rows as samples (tabular projects). A CSV dataset keeps its typed feature columns; each row
-- its values, keyed by column name. A row is stored as a 1-high, F-wide, 1-channel sample (F: its
-- feature columns), so that shapes and counts work as for images; it has no PNG.
alter table datasets drop constraint datasets_format_check;
alter table datasets add constraint datasets_format_check
    check (format in ('idx', 'image-folder', 'decoy-idx', 'mixed-shortcuts-idx', 'csv'));
-- [{"name": "...", "type": "numeric" | "categorical" | "boolean", "categories": ["...", ...]}, ...] in file order
alter table datasets add column columns jsonb;
alter table datasets add constraint datasets_columns_of_csv check ((format = 'csv') = (columns is not null));

alter table samples alter column image_png drop not null;
-- {"column": number | "category" | true/false, ...}: every feature column of the dataset, none missing
alter table samples add column row_values jsonb;
alter table samples add constraint samples_image_or_row check ((image_png is null) <> (row_values is null));
