package org.rationale.saliency;

import jakarta.enterprise.context.ApplicationScoped;
import org.rationale.dataset.DatasetService;
import org.rationale.dataset.Sample;
import org.rationale.error.Invalid;
import org.rationale.error.NotFound;
import org.rationale.explain.ExplainableModel;
import org.rationale.explain.InputBatch;
import org.rationale.model.InputSpec;
import org.rationale.model.ModelService;
import org.rationale.model.ModelVersion;
import org.rationale.model.Prediction;
import org.rationale.model.PredictionService;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The map of one sample on demand, stored exactly once per (sample, model version, method,
 * canonical parameters, target class): a second request reads the stored map. Jobs compute maps in
 * batches with {@link MapBatches}; {@link MapStore} holds the SQL and {@link MapOverlays} draws them.
 */
@ApplicationScoped
public class SaliencyService {

    /** Forward passes of the deletion/insertion curves: steps along each curve. */
    private static final int CURVE_STEPS = 28;

    private final AttributionMethods methods;
    private final ModelService models;
    private final PredictionService predictions;
    private final DatasetService datasets;
    private final MapStore store;
    private final MapOverlays overlays;

    SaliencyService(AttributionMethods methods, ModelService models, PredictionService predictions,
                    DatasetService datasets, MapStore store, MapOverlays overlays) {
        this.methods = methods;
        this.models = models;
        this.predictions = predictions;
        this.datasets = datasets;
        this.store = store;
        this.overlays = overlays;
    }

    /**
     * How the stored maps of one method (with its parameters) under a model version fare on the
     * quality metrics; {@code withoutSignal} maps are all zero or constant ({@link MapSignal}),
     * {@code selfCheckFlagged} ones were computed in a batch whose worker failed its self-check.
     */
    public record MethodQuality(long modelId, String method, String parameters, long maps, Double meanCompletenessGap,
                                Double maxCompletenessGap, long mapsWithCurves, Double meanDeletionAuc,
                                Double meanInsertionAuc, long withoutSignal, long selfCheckFlagged) {
    }

    /** Of one method's stored maps under a model version: how many there are, without signal, and flagged by a self-check. */
    public record MapSignals(String method, String parameters, long maps, long withoutSignal, long selfCheckFlagged) {
    }

    /** Per method and parameters of a model version, its stored maps without signal and those flagged by a self-check. */
    public List<MapSignals> signals(long modelId) {
        return store.signals(modelId);
    }

    /** The quality of every method's stored maps under the given model versions (for the reports). */
    public List<MethodQuality> quality(Collection<Long> modelIds) {
        return store.quality(modelIds);
    }

    /** The zoom at which the browser draws an h x w map; see {@link MapOverlays#zoom}. */
    public int overlayZoom(int h, int w, int wanted) {
        return overlays.zoom(h, w, wanted);
    }

    /** A stored map drawn over its image, for thumbnails; see {@link MapOverlays#overlayPng(long, double, int)}. */
    public Optional<byte[]> overlayPng(long mapId, double opacity, int zoom) {
        return overlays.overlayPng(mapId, opacity, zoom);
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
        InputSpec spec = models.spec(v);
        MethodParameters params = method.bind(given, spec.height(), spec.width());
        Attribution fused = null;
        boolean byPrediction = Targets.rule(target).equals(Targets.PREDICTED);
        Integer storedLabel = byPrediction ? predictions.storedLabel(s.id, v.id).orElse(null) : null;
        int predicted;
        if (storedLabel != null) {
            // the stored prediction names the target: no forward pass for it
            predictions.requireSameProject(s, v);
            predicted = storedLabel;
        } else if (method.isPlainGradient() && byPrediction) {
            // no prediction yet: one forward pass gives it and the map
            predictions.requireSameProject(s, v);
            InputBatch in = predictions.input(s, v);
            float[][] logits = new float[1][];
            try (ModelService.Lease lease = models.lease(v)) {
                fused = FiniteAttributions.finiteOrAgain(method.name(), () -> {
                    ExplainableModel.GradientResult r = lease.model().gradientChoosingTargets(in,
                            l -> new int[] {Prediction.of(s.id, v.id, l, spec.classes()).predictedLabel()});
                    logits[0] = r.logits();
                    return Attribution.withoutMetrics(in, r.gradient());
                });
            }
            predicted = predictions.storeAll(List.of(s), logits[0], v).get(0).predictedLabel();
        } else {
            predicted = predictions.predict(s, v).predictedLabel();
        }
        int t = Targets.resolve(target, s.label, () -> predicted, spec.classes().size());
        MapKey key = new MapKey(s.id, v.id, method.name(), params.canonical(), t);
        SaliencyMap stored = stored(key, params, spec).orElse(null);
        if (stored != null && curves && !stored.metrics().containsKey("deletionAuc")) {
            // maps computed by jobs skip the curves (58 forward passes a map); they are added on first view
            Map<String, Double> metrics = new TreeMap<>(stored.metrics());
            try (ModelService.Lease lease = models.lease(v)) {
                metrics.putAll(DeletionInsertion.aucs(lease.model(), predictions.input(s, v), t, stored.values(),
                        CURVE_STEPS));
            }
            String json = NewMap.writeMetrics(metrics);
            store.updateMetrics(stored.id(), json);
            return new SaliencyMap(stored.id(), stored.sampleId(), stored.modelId(), stored.method(), stored.params(),
                    stored.targetClass(), stored.targetName(), stored.shape(), stored.values(), NewMap.readMetrics(json),
                    stored.storedBytes(), stored.noSignal(), stored.selfCheck());
        }
        if (stored != null) {
            return stored;
        }
        InputBatch x = fused != null ? fused.shape() : predictions.input(s, v);
        float[] values;
        Map<String, Double> metrics;
        try (ModelService.Lease lease = models.lease(v)) {
            Attribution a = fused != null ? fused : FiniteAttributions.attribute(method, lease.model(), x, new int[] {t},
                    params);
            values = a.values();
            metrics = new TreeMap<>(a.metrics().get(0));
            if (curves) {
                metrics.putAll(DeletionInsertion.aucs(lease.model(), x, t, values, CURVE_STEPS));
            }
        }
        NewMap m = NewMap.of(key, x, values, metrics);
        long id = store.insert(m);
        return new SaliencyMap(id, s.id, v.id, method.name(), params.asMap(), t, spec.classes().get(t),
                List.of(x.channels(), x.height(), x.width()), m.kept(), NewMap.readMetrics(m.metrics()), m.data().length,
                MapSignal.missing(m.min(), m.max()).orElse(null), null);
    }

    /**
     * The stored map for these arguments, without computing or storing anything (the deletion and
     * insertion curves are there only if an earlier computation added them).
     */
    public Optional<SaliencyMap> stored(long sampleId, long modelId, String methodName, String target,
                                        Map<String, String> given) {
        Sample s = datasets.sample(sampleId).orElseThrow(() -> NotFound.of("Sample " + sampleId));
        ModelVersion v = models.version(modelId).orElseThrow(() -> NotFound.of("Model " + modelId));
        AttributionMethod method = methods.get(methodName);
        InputSpec spec = models.spec(v);
        MethodParameters params = method.bind(given, spec.height(), spec.width());
        String t = target == null || target.isBlank() ? Targets.PREDICTED : target.strip();
        if (!s.projectId.equals(v.projectId)) {
            throw new Invalid("Model of another project",
                    "Model " + v.id + " belongs to project " + v.projectId + ", sample " + s.id + " to project " + s.projectId);
        }
        // a read runs the model only when no prediction of the sample is stored
        Integer storedLabel = t.equals(Targets.PREDICTED) ? predictions.storedLabel(s.id, v.id).orElse(null) : null;
        int resolved = storedLabel != null ? storedLabel
                : Targets.resolve(target, s.label, () -> predictions.compute(s, v).predictedLabel(), spec.classes().size());
        return stored(new MapKey(s.id, v.id, method.name(), params.canonical(), resolved), params, spec);
    }

    private Optional<SaliencyMap> stored(MapKey k, MethodParameters params, InputSpec spec) {
        return store.find(k).map(r -> new SaliencyMap(r.id(), k.sampleId(), k.modelId(), k.method(), params.asMap(),
                k.target(), spec.classes().get(k.target()), List.of(r.channels(), r.height(), r.width()),
                MapEncoding.decode(r.encoding(), r.data(), r.channels() * r.height() * r.width()),
                NewMap.readMetrics(r.metrics()), r.storedBytes(), MapSignal.missing(r.min(), r.max()).orElse(null),
                r.selfCheck()));
    }

    /**
     * Every registered attribution method in the registry's order, each with why it cannot run on
     * the model version (e.g. the CAM methods on a model uploaded whole), without running it.
     */
    public List<MethodAvailability> methods(ModelVersion v) {
        return methods.all().stream().map(m -> new MethodAvailability(m.name(),
                m.refusal(v.supportsCam).orElse(null))).toList();
    }

    /** Whether any map was computed under one of these model versions (a project's first saliency job has run). */
    public boolean anyMapOf(Collection<Long> modelIds) {
        return store.anyMapOf(modelIds);
    }
}
