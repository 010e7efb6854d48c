-- Flyway callback, run after every migration: the runtime role's rights (see V9), for tables of
-- every migration and for a runtime role configured after the migrations ran.
select rationale_grant_runtime_role('${app_role}');
