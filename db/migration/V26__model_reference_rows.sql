-- A tabular version keeps its reference rows (the mean row of baseline 'mean' and the rows of
-- baseline 'sample'), fixed when it is stored, as the artifact 'reference': F and N as 32-bit
-- little-endian integers, then the mean row and the N rows as little-endian float32. Versions
-- stored before have none and take them from the training tables imported before them.
alter table model_artifacts drop constraint model_artifacts_part_check;
alter table model_artifacts add constraint model_artifacts_part_check
    check (part in ('model', 'features', 'classifier', 'parameters', 'reference'));
