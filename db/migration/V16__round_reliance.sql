-- Reliance by intervention of a round's trained model on the project's marked regions (painted
-- shortcut masks and known shortcuts): the mean drop of the predicted class's probability and the
-- mean flip rate when the region is pasted from images of other classes, over reliance_regions
-- regions. reliance_regions null: not measured yet; 0: the project had no region to measure.
alter table rounds add column reliance_drop real;
alter table rounds add column reliance_flip_rate real;
alter table rounds add column reliance_regions integer;
