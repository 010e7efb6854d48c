package org.rationale.saliency;

import org.rationale.explain.ExplainableModel;
import org.rationale.explain.InputBatch;
import org.rationale.error.Unavailable;
import org.rationale.model.PreparedInput;
import org.rationale.error.DomainError;
import org.rationale.error.Invalid;
import org.rationale.error.NotFound;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.rationale.dataset.DatasetService;
import org.rationale.dataset.Sample;
import org.rationale.model.InputSpec;
import org.rationale.model.ModelService;
import org.rationale.model.ModelVersion;
import org.rationale.model.Prediction;
import org.rationale.model.PredictionService;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Computes saliency maps and stores each exactly once per (sample, model version, method,
 * canonical parameters, target class): a second request reads the stored map.
 */
@ApplicationScoped
public class SaliencyService {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(SaliencyService.class);

    private final EntityManager em;
    private final AttributionMethods methods;
    private final ModelService models;
    private final PredictionService predictions;
    private final DatasetService datasets;
    @jakarta.inject.Inject
    SaliencyService self;
    @jakarta.inject.Inject
    io.agroal.api.AgroalDataSource dataSource;

    SaliencyService(EntityManager em, AttributionMethods methods, ModelService models, PredictionService predictions,
                    DatasetService datasets) {
        this.em = em;
        this.methods = methods;
        this.models = models;
        this.predictions = predictions;
        this.datasets = datasets;
    }

    /** How the stored maps of one method (with its parameters) under a model version fare on the quality metrics. */
    public record MethodQuality(long modelId, String method, String parameters, long maps, Double meanCompletenessGap,
                                Double maxCompletenessGap, long mapsWithCurves, Double meanDeletionAuc,
                                Double meanInsertionAuc) {
    }

    /** The quality of every method's stored maps under the given model versions. */
    @Transactional
    @SuppressWarnings("unchecked")
    public List<MethodQuality> quality(java.util.Collection<Long> modelIds) {
        if (modelIds.isEmpty()) {
            return List.of();
        }
        List<Object[]> rows = em.createNativeQuery("select model_version_id, method, parameters, count(*), "
                        + "avg(abs(cast(cast(metrics as jsonb) ->> 'completenessGap' as double precision))), "
                        + "max(abs(cast(cast(metrics as jsonb) ->> 'completenessGap' as double precision))), "
                        + "count(cast(metrics as jsonb) ->> 'deletionAuc'), "
                        + "avg(cast(cast(metrics as jsonb) ->> 'deletionAuc' as double precision)), "
                        + "avg(cast(cast(metrics as jsonb) ->> 'insertionAuc' as double precision)) "
                        + "from saliency_maps where model_version_id = any(cast(?1 as bigint[])) "
                        + "group by model_version_id, method, parameters order by model_version_id, method, parameters")
                .setParameter(1, org.rationale.database.PgArray.ofLongs(modelIds)).getResultList();
        List<MethodQuality> out = new java.util.ArrayList<>();
        for (Object[] r : rows) {
            out.add(new MethodQuality(((Number) r[0]).longValue(), (String) r[1], (String) r[2], ((Number) r[3]).longValue(),
                    number(r[4]), number(r[5]), ((Number) r[6]).longValue(), number(r[7]), number(r[8])));
        }
        return out;
    }

    private static Double number(Object o) {
        return o == null ? null : ((Number) o).doubleValue();
    }

    /** The zoom at which the browser draws an h x w map: {@code wanted}, or less when that is too large; 0 when none fits. */
    public int overlayZoom(int h, int w, int wanted) {
        return HeatmapRenderer.fittingZoom(h, w, wanted);
    }

    /**
     * A stored map drawn over its image (PNG), for thumbnails, at {@code zoom} or the largest zoom
     * below it that {@link HeatmapRenderer#MAX_OUTPUT_PIXELS} allows; empty when there is no such map
     * or when it is too large to draw at all.
     */
    @Transactional
    @SuppressWarnings("unchecked")
    public java.util.Optional<byte[]> overlayPng(long mapId, double opacity, int zoom) {
        List<Object[]> rows = em.createNativeQuery("select sample_id, encoding, data, width, height, channels "
                + "from saliency_maps where id = ?1").setParameter(1, mapId).getResultList();
        if (rows.isEmpty()) {
            return java.util.Optional.empty();
        }
        Object[] r = rows.get(0);
        int w = ((Number) r[3]).intValue();
        int h = ((Number) r[4]).intValue();
        int c = ((Number) r[5]).intValue();
        int fits = HeatmapRenderer.fittingZoom(h, w, zoom);
        if (fits == 0) {
            return java.util.Optional.empty();
        }
        float[] values = MapEncoding.decode((String) r[1], (byte[]) r[2], w * h * c);
        return datasets.imagePng(((Number) r[0]).longValue()).map(png -> {
            var px = org.rationale.dataset.ImageCodec.decodePng(png);
            return HeatmapRenderer.overlayPng(px.data(), px.channels(), values, c, h, w, opacity, fits);
        });
    }

    /**
     * The map of a sample under a model version: read from storage, or computed (outside any
     * transaction: a long computation must not hold a connection or hit a transaction timeout) and
     * stored. Both paths return the stored float16 values, so every answer for one map id is the same.
     *
     * @param target {@code predicted}, {@code label} or a class index
     */
    public SaliencyMap map(long sampleId, long modelId, String methodName, String target, Map<String, String> given) {
        return map(sampleId, modelId, methodName, target, given, true);
    }

    /**
     * The map, with its deletion/insertion curves ({@code curves}: 58 forward passes, added to the
     * stored map on first request) or without them (a review page shows the map at once and asks
     * for the curves in the background).
     */
    public SaliencyMap map(long sampleId, long modelId, String methodName, String target, Map<String, String> given,
                           boolean curves) {
        Sample s = datasets.sample(sampleId).orElseThrow(() -> NotFound.of("Sample " + sampleId));
        ModelVersion v = models.version(modelId).orElseThrow(() -> NotFound.of("Model " + modelId));
        AttributionMethod method = methods.get(methodName);
        MethodParameters params = method.parameters().bind(method.name(), given);
        InputSpec spec = models.spec(v);
        Prediction p = predictions.predict(s, v);
        int t = resolveTarget(target, s, p, spec);
        var key = new Key(s.id, v.id, method.name(), params.canonical(), t);
        var stored = self.stored(key, params, spec);
        if (stored != null && curves && !stored.metrics().containsKey("deletionAuc")) {
            // maps computed by jobs skip the curves (58 forward passes a map); they are added on first view
            Map<String, Double> metrics = new TreeMap<>(stored.metrics());
            try (ModelService.Lease lease = models.lease(v)) {
                metrics.putAll(DeletionInsertion.aucs(lease.model(), predictions.input(s, v), t, stored.values(), 28));
            }
            String json = writeMetrics(metrics);
            self.updateMetrics(stored.id(), json);
            return new SaliencyMap(stored.id(), stored.sampleId(), stored.modelId(), stored.method(), stored.params(),
                    stored.targetClass(), stored.targetName(), stored.shape(), stored.values(), readMetrics(json),
                    stored.storedBytes());
        }
        if (stored != null) {
            return stored;
        }
        InputBatch x = predictions.input(s, v);
        float[] values;
        Map<String, Double> metrics;
        try (ModelService.Lease lease = models.lease(v)) {
            Attribution a = attributeFinite(method, lease.model(), x, new int[] {t}, params);
            values = a.values();
            metrics = new TreeMap<>(a.metrics().get(0));
            if (curves) {
                metrics.putAll(DeletionInsertion.aucs(lease.model(), x, t, values, 28));
            }
        }
        byte[] data = MapEncoding.encode(values);
        float[] kept = MapEncoding.rounded(values);
        metrics.putAll(stats(kept));
        String metricsJson = writeMetrics(metrics);
        long id = self.store(key, x, data, metrics.get("min"), metrics.get("max"), metrics.get("sum"), metricsJson);
        return new SaliencyMap(id, s.id, v.id, method.name(), params.asMap(), t, spec.classes().get(t),
                List.of(x.channels(), x.height(), x.width()), kept, readMetrics(metricsJson), data.length);
    }

    /**
     * The stored map for these arguments, without computing or storing anything (the deletion and
     * insertion curves are there only if an earlier computation added them).
     */
    public java.util.Optional<SaliencyMap> stored(long sampleId, long modelId, String methodName, String target,
                                                  Map<String, String> given) {
        Sample s = datasets.sample(sampleId).orElseThrow(() -> NotFound.of("Sample " + sampleId));
        ModelVersion v = models.version(modelId).orElseThrow(() -> NotFound.of("Model " + modelId));
        AttributionMethod method = methods.get(methodName);
        MethodParameters params = method.parameters().bind(method.name(), given);
        InputSpec spec = models.spec(v);
        String t = target == null || target.isBlank() ? "predicted" : target.strip();
        if (!s.projectId.equals(v.projectId)) {
            throw new Invalid("Model of another project",
                    "Model " + v.id + " belongs to project " + v.projectId + ", sample " + s.id + " to project " + s.projectId);
        }
        // a read runs the model only when no prediction of the sample is stored
        Integer storedLabel = t.equals("predicted") ? predictions.storedLabel(s.id, v.id).orElse(null) : null;
        Prediction p = t.equals("predicted") && storedLabel == null ? predictions.compute(s, v) : null;
        int resolved = storedLabel != null ? storedLabel : resolveTarget(target, s, p, spec);
        return java.util.Optional.ofNullable(self.stored(new Key(s.id, v.id, method.name(), params.canonical(), resolved),
                params, spec));
    }

    @Transactional
    void updateMetrics(long mapId, String metrics) {
        em.createNativeQuery("update saliency_maps set metrics = ?2 where id = ?1").setParameter(1, mapId)
                .setParameter(2, metrics).executeUpdate();
    }

    /**
     * Predictions of many samples for one model, as a predict job computes them: one batched
     * forward pass, stored in one JDBC batch (a prediction stored before is kept). A sample that
     * cannot be predicted (missing, of another project, wrong size) fails alone.
     *
     * @return error message by sample id, for the samples that failed
     */
    public Map<Long, String> predictAll(List<Long> sampleIds, long modelId) {
        ModelVersion v = models.version(modelId).orElseThrow(() -> NotFound.of("Model " + modelId));
        Map<Long, String> failed = new LinkedHashMap<>();
        predictAll(sampleIds, v, failed);
        return failed;
    }

    /** The samples that could be predicted, their inputs and predictions, in the same order. */
    private record Predicted(List<Sample> samples, List<InputBatch> inputs, List<Prediction> predictions) {
    }

    private Predicted predictAll(List<Long> sampleIds, ModelVersion v, Map<Long, String> failed) {
        List<Sample> found = datasets.samples(sampleIds);
        java.util.Set<Long> present = new java.util.HashSet<>();
        found.forEach(x -> present.add(x.id));
        sampleIds.stream().filter(id -> !present.contains(id)).forEach(id -> failed.put(id, "Sample " + id + " not found"));
        List<Sample> ok = new java.util.ArrayList<>();
        List<InputBatch> inputs = new java.util.ArrayList<>();
        List<Sample> sameProject = new java.util.ArrayList<>();
        for (Sample x : found) {
            if (x.projectId.equals(v.projectId)) {
                sameProject.add(x);
            } else {
                failed.put(x.id, "Model of another project: sample " + x.id + " is not in project " + v.projectId);
            }
        }
        Map<Long, PreparedInput> prepared = predictions.inputs(sameProject, v);
        for (Sample x : sameProject) {
            PreparedInput in = prepared.get(x.id);
            if (in instanceof PreparedInput.Ready r) {
                inputs.add(r.batch());
                ok.add(x);
            } else if (in instanceof PreparedInput.Refused r) {
                failed.put(x.id, r.why().describe());
            }
        }
        List<Prediction> preds = ok.isEmpty() ? List.of() : predictions.predictAll(ok, inputs, v);
        return new Predicted(ok, inputs, preds);
    }

    /** One method of a job with its parameters by name. */
    public record MethodCall(String name, Map<String, String> params) {
    }

    /**
     * Maps computed for a batch of samples and not stored yet: a worker computes the next batch
     * while this one is stored ({@link #store}).
     */
    public static final class MapBatch {
        private final Map<Long, String> failed;
        private final List<Key> keys = new java.util.ArrayList<>();
        private final List<float[]> values = new java.util.ArrayList<>();
        private final List<Map<String, Double>> metrics = new java.util.ArrayList<>();
        private InputBatch shape;

        MapBatch(Map<Long, String> failed) {
            this.failed = failed;
        }

        /** Error message by sample id, for the samples that failed. */
        public Map<Long, String> failed() {
            return failed;
        }

        /** Maps to store. */
        public int size() {
            return keys.size();
        }
    }

    /**
     * Maps of many samples for one model, several methods and a target rule, as a job computes
     * them: one batched prediction (stored), then per method one batched attribution of the maps not
     * stored yet. Deletion/insertion curves are left for the first view. A sample that cannot be
     * computed (missing, wrong size, bad target) fails alone; an engine failure of a whole batch
     * throws, and the caller tries the samples one by one.
     */
    public MapBatch computeMaps(List<Long> sampleIds, long modelId, List<MethodCall> calls, String target) {
        ModelVersion v = models.version(modelId).orElseThrow(() -> NotFound.of("Model " + modelId));
        InputSpec spec = models.spec(v);
        MapBatch out = new MapBatch(new LinkedHashMap<>());
        Predicted predicted = predictAll(sampleIds, v, out.failed);
        List<Sample> ok = new java.util.ArrayList<>();
        List<InputBatch> inputs = new java.util.ArrayList<>();
        List<Integer> targets = new java.util.ArrayList<>();
        for (int i = 0; i < predicted.samples().size(); i++) {
            Sample x = predicted.samples().get(i);
            try {
                targets.add(resolveTarget(target, x, predicted.predictions().get(i), spec));
                ok.add(x);
                inputs.add(predicted.inputs().get(i));
            } catch (DomainError e) {
                out.failed.put(x.id, e.describe());
            }
        }
        if (ok.isEmpty()) {
            return out;
        }
        out.shape = inputs.get(0);
        for (MethodCall call : calls) {
            AttributionMethod method = methods.get(call.name());
            MethodParameters params = method.parameters().bind(method.name(), call.params() == null ? Map.of() : call.params());
            java.util.Set<String> stored = self.storedKeys(ok.stream().map(x -> x.id).toList(), v.id, method.name(),
                    params.canonical());
            List<Integer> todo = new java.util.ArrayList<>();
            for (int i = 0; i < ok.size(); i++) {
                if (!stored.contains(ok.get(i).id + ":" + targets.get(i))) {
                    todo.add(i);
                }
            }
            if (todo.isEmpty()) {
                continue;
            }
            int size = out.shape.sampleSize();
            float[] all = new float[todo.size() * size];
            int[] t = new int[todo.size()];
            for (int j = 0; j < todo.size(); j++) {
                System.arraycopy(inputs.get(todo.get(j)).values(), 0, all, j * size, size);
                t[j] = targets.get(todo.get(j));
            }
            Attribution a;
            try (ModelService.Lease lease = models.lease(v)) {
                a = attributeFinite(method, lease.model(), out.shape.with(todo.size(), all), t, params);
            }
            for (int j = 0; j < todo.size(); j++) {
                out.keys.add(new Key(ok.get(todo.get(j)).id, v.id, method.name(), params.canonical(), t[j]));
                out.values.add(a.sample(j));
                out.metrics.add(a.metrics().get(j));
            }
        }
        return out;
    }

    /** How many times a method runs before a map that keeps coming back non-finite is an error. */
    static final int FINITE_ATTEMPTS = 4;

    /**
     * The method's attributions, computed again when an answer holds a NaN or an infinity (libtorch on
     * some hosts answers a gradient call wrongly now and then, see docs/benchmarks.md); a map that is
     * not finite {@link #FINITE_ATTEMPTS} times is an {@link Unavailable} error, never stored.
     */
    private static Attribution attributeFinite(AttributionMethod method, ExplainableModel model, InputBatch x,
                                               int[] targets, MethodParameters params) {
        return finiteOrAgain(method.name(), () -> method.attribute(model, x, targets, params));
    }

    static Attribution finiteOrAgain(String name, java.util.function.Supplier<Attribution> compute) {
        for (int attempt = 1; attempt <= FINITE_ATTEMPTS; attempt++) {
            Attribution a = compute.get();
            if (finite(a.values())) {
                return a;
            }
            LOG.warnf("%s returned non-finite attributions (attempt %d of %d)", name, attempt, FINITE_ATTEMPTS);
        }
        throw new Unavailable("The engine returned an invalid map", name + " returned NaN or infinite attributions "
                + FINITE_ATTEMPTS + " times; nothing was stored. Try again");
    }

    private static boolean finite(float[] values) {
        for (float v : values) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    /** Encodes the maps of a batch and stores them in one JDBC batch (a map stored meanwhile is kept). */
    public void store(MapBatch batch) {
        if (batch.keys.isEmpty()) {
            return;
        }
        List<Object[]> rows = new java.util.ArrayList<>(batch.keys.size());
        for (int i = 0; i < batch.keys.size(); i++) {
            float[] values = batch.values.get(i);
            byte[] data = MapEncoding.encode(values);
            Map<String, Double> metrics = new TreeMap<>(batch.metrics.get(i));
            metrics.putAll(stats(MapEncoding.rounded(values)));
            rows.add(new Object[] {batch.keys.get(i), data, metrics.get("min"), metrics.get("max"), metrics.get("sum"),
                    writeMetrics(metrics)});
        }
        self.storeAll(rows, batch.shape);
    }

    @Transactional
    @SuppressWarnings("unchecked")
    java.util.Set<String> storedKeys(List<Long> sampleIds, long modelId, String method, String parameters) {
        List<Object[]> rows = em.createNativeQuery("select sample_id, target_label from saliency_maps where "
                        + "model_version_id = ?1 and method = ?2 and parameters = ?3 and sample_id = any(cast(?4 as bigint[]))")
                .setParameter(1, modelId).setParameter(2, method).setParameter(3, parameters)
                .setParameter(4, org.rationale.database.PgArray.ofLongs(sampleIds))
                .getResultList();
        java.util.Set<String> out = new java.util.HashSet<>();
        rows.forEach(r -> out.add(((Number) r[0]).longValue() + ":" + ((Number) r[1]).intValue()));
        return out;
    }

    /** One JDBC batch in one transaction; a map stored meanwhile by another worker is kept as it is. */
    @Transactional
    void storeAll(List<Object[]> rows, InputBatch shape) {
        try (java.sql.Connection c = dataSource.getConnection();
             java.sql.PreparedStatement ps = c.prepareStatement("insert into saliency_maps (sample_id, model_version_id, "
                     + "method, parameters, target_label, width, height, channels, encoding, data, min_value, max_value, "
                     + "sum_value, metrics) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing")) {
            for (Object[] r : rows) {
                Key k = (Key) r[0];
                ps.setLong(1, k.sampleId());
                ps.setLong(2, k.modelId());
                ps.setString(3, k.method());
                ps.setString(4, k.parameters());
                ps.setInt(5, k.target());
                ps.setInt(6, shape.width());
                ps.setInt(7, shape.height());
                ps.setInt(8, shape.channels());
                ps.setString(9, MapEncoding.NAME);
                ps.setBytes(10, (byte[]) r[1]);
                ps.setFloat(11, (float) (double) r[2]);
                ps.setFloat(12, (float) (double) r[3]);
                ps.setDouble(13, (double) r[4]);
                ps.setString(14, (String) r[5]);
                ps.addBatch();
            }
            ps.executeBatch();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("Storing maps failed: " + e.getMessage(), e);
        }
    }

    /** What identifies a stored map. */
    record Key(long sampleId, long modelId, String method, String parameters, int target) {
    }

    @Transactional
    SaliencyMap stored(Key k, MethodParameters params, InputSpec spec) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("select id, data, metrics, channels, height, width, length(data), encoding "
                        + "from saliency_maps where sample_id = ?1 and model_version_id = ?2 and method = ?3 "
                        + "and parameters = ?4 and target_label = ?5")
                .setParameter(1, k.sampleId()).setParameter(2, k.modelId()).setParameter(3, k.method())
                .setParameter(4, k.parameters()).setParameter(5, k.target()).getResultList();
        if (rows.isEmpty()) {
            return null;
        }
        Object[] r = rows.get(0);
        int c = ((Number) r[3]).intValue();
        int h = ((Number) r[4]).intValue();
        int w = ((Number) r[5]).intValue();
        return new SaliencyMap(((Number) r[0]).longValue(), k.sampleId(), k.modelId(), k.method(), params.asMap(),
                k.target(), spec.classes().get(k.target()), List.of(c, h, w), MapEncoding.decode((String) r[7], (byte[]) r[1], c * h * w),
                readMetrics((String) r[2]), ((Number) r[6]).intValue());
    }

    /** Stores the map unless a concurrent request stored it first; either way returns the stored id. */
    @Transactional
    long store(Key k, InputBatch x, byte[] data, double min, double max, double sum, String metrics) {
        em.createNativeQuery("insert into saliency_maps (sample_id, model_version_id, method, parameters, target_label, "
                        + "width, height, channels, encoding, data, min_value, max_value, sum_value, metrics) "
                        + "values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) on conflict do nothing")
                .setParameter(1, k.sampleId()).setParameter(2, k.modelId()).setParameter(3, k.method())
                .setParameter(4, k.parameters()).setParameter(5, k.target()).setParameter(6, x.width())
                .setParameter(7, x.height()).setParameter(8, x.channels()).setParameter(9, MapEncoding.NAME)
                .setParameter(10, data).setParameter(11, (float) min).setParameter(12, (float) max)
                .setParameter(13, sum).setParameter(14, metrics).executeUpdate();
        Number id = (Number) em.createNativeQuery("select id from saliency_maps where sample_id = ?1 and "
                        + "model_version_id = ?2 and method = ?3 and parameters = ?4 and target_label = ?5")
                .setParameter(1, k.sampleId()).setParameter(2, k.modelId()).setParameter(3, k.method())
                .setParameter(4, k.parameters()).setParameter(5, k.target()).getSingleResult();
        return id.longValue();
    }

    /** Minimum, maximum and sum of the stored (float16) values. */
    private static Map<String, Double> stats(float[] kept) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        for (float f : kept) {
            min = Math.min(min, f);
            max = Math.max(max, f);
            sum += f;
        }
        return Map.of("min", min, "max", max, "sum", sum);
    }

    static int resolveTarget(String target, Sample s, Prediction p, InputSpec spec) {
        String t = target == null || target.isBlank() ? "predicted" : target.strip();
        int classes = spec.classes().size();
        int out;
        if (t.equals("predicted")) {
            out = p.predictedLabel();
        } else if (t.equals("label")) {
            out = s.label;
        } else {
            try {
                out = Integer.parseInt(t);
            } catch (NumberFormatException e) {
                throw new Invalid("Invalid target '" + target + "'", "Use predicted, label or a class index");
            }
        }
        if (out < 0 || out >= classes) {
            throw new Invalid("Invalid target " + out, "The model has classes 0 to " + (classes - 1));
        }
        return out;
    }

    private static Map<String, Double> readMetrics(String json) {
        try {
            return JSON.readValue(json, new TypeReference<LinkedHashMap<String, Double>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String writeMetrics(Map<String, Double> m) {
        try {
            Map<String, Double> finite = new TreeMap<>();
            m.forEach((k, v) -> finite.put(k, Double.isFinite(v) ? v : null));
            return JSON.writeValueAsString(finite);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Every registered attribution method in the registry's order, each with why it cannot run on
     * the model version (e.g. the CAM methods on a model uploaded whole), without running it.
     */
    public List<MethodAvailability> methods(ModelVersion v) {
        return methods.all().stream().map(m -> new MethodAvailability(m.name(),
                m.refusal(v.supportsCam).orElse(null))).toList();
    }
}
