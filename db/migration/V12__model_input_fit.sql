-- How images of other sizes reach a model (issue 15): every stored spec names its fit and
-- interpolation; versions stored before had none and take the defaults, centre crop and bilinear.
update model_versions
   set spec = (spec::jsonb || jsonb_build_object('fit', 'center-crop'))::text
 where not (spec::jsonb ? 'fit');
update model_versions
   set spec = (spec::jsonb || jsonb_build_object('interpolation', 'bilinear'))::text
 where not (spec::jsonb ? 'interpolation');
