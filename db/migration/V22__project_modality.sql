-- What a project's samples are: images (every project so far) or table rows with typed features.
alter table projects add column modality text not null default 'images';
alter table projects add constraint projects_modality_known check (modality in ('images', 'tabular'));
