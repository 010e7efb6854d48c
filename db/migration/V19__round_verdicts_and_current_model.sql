-- A round's retraining is judged against its parent with the spread retraining alone causes
-- (controls: the same retraining without the round's new feedback), and the project's current
-- model version (the one reviewed, ranked and reported by default) is explicit: a round's version
-- becomes current only when it is not worse than its parent; an engineer may choose another.

alter table projects add column current_model_id bigint references model_versions (id) on delete set null;
update projects p set current_model_id = (select max(m.id) from model_versions m where m.project_id = p.id);

alter table rounds add column controls integer check (controls between 0 and 5);
alter table rounds add column parent_accuracy real;
alter table rounds add column control_accuracies real[];
alter table rounds add column verdict text check (verdict in ('better', 'no-better', 'worse', 'not-compared'));
alter table rounds add column made_current boolean;
