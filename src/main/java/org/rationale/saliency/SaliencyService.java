package org.rationale.saliency;

import jakarta.enterprise.context.ApplicationScoped;
import org.rationale.dataset.DatasetService;
import org.rationale.dataset.Sample;
import org.rationale.error.Invalid;
import org.rationale.error.NotFound;
import org.rationale.error.Unavailable;
import org.rationale.explain.ExplainableModel;
import org.rationale.explain.InputBatch;
import org.rationale.model.InputSpec;
import org.rationale.model.ModelService;
import org.rationale.model.ModelVersion;
import org.rationale.model.Prediction;
import org.rationale.model.PredictionService;
import org.rationale.model.TableEncoding;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The map of one sample on demand, stored exactly once per (sample, model version, method,
 * canonical parameters, target class): a second request reads the stored map. Jobs compute maps in
 * batches with {@link MapBatches}; {@link MapStore} holds the SQL and {@link MapOverlays} draws them.
 */
@ApplicationScoped
public class SaliencyService {

    private final AttributionMethods methods;
    private final ModelService models;
    private final PredictionService predictions;
    private final DatasetService datasets;
    private final MapStore store;
    private final MapOverlays overlays;
    private final QualityCurves qualityCurves;
    private final MapsAhead ahead;

    SaliencyService(AttributionMethods methods, ModelService models, PredictionService predictions,
                    DatasetService datasets, MapStore store, MapOverlays overlays, QualityCurves qualityCurves,
                    MapsAhead ahead) {
        this.methods = methods;
        this.models = models;
        this.predictions = predictions;
        this.datasets = datasets;
        this.store = store;
        this.overlays = overlays;
        this.qualityCurves = qualityCurves;
        this.ahead = ahead;
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

    /** What becomes of a map's deletion/insertion curves (58 forward passes) when they are missing. */
    public enum Curves {
        /** Not computed, not queued. */
        SKIP,
        /** Queued in the background; the map is answered at once (its curves {@code pending}). */
        BACKGROUND,
        /** Queued, and the answer waits for them (a bounded time; still {@code pending} after that). */
        WAIT
    }

    /** How long {@link Curves#WAIT} waits for the curves. */
    private static final long CURVES_WAIT_SECONDS = 60;

    /**
     * The map of a sample under a model version: read from storage, or computed (outside any
     * transaction: a long computation must not hold a connection or hit a transaction timeout) and
     * stored. Both paths return the stored float16 values, so every answer for one map id is the same.
     * Missing deletion/insertion curves are queued in the background.
     *
     * @param target {@code predicted}, {@code label} or a class index
     */
    public SaliencyMap map(long sampleId, long modelId, String methodName, String target, Map<String, String> given) {
        return map(sampleId, modelId, methodName, target, given, Curves.BACKGROUND);
    }

    /** The map, its missing curves queued in the background ({@code curves}) or left alone. */
    public SaliencyMap map(long sampleId, long modelId, String methodName, String target, Map<String, String> given,
                           boolean curves) {
        return map(sampleId, modelId, methodName, target, given, curves ? Curves.BACKGROUND : Curves.SKIP);
    }

    /** The map, with what becomes of its missing deletion/insertion curves. */
    public SaliencyMap map(long sampleId, long modelId, String methodName, String target, Map<String, String> given,
                           Curves curves) {
        SaliencyMap m = compute(sampleId, modelId, methodName, target, given, true);
        if (m.hasCurves() || curves == Curves.SKIP) {
            return m;
        }
        Optional<CompletableFuture<Map<String, Double>>> queued = qualityCurves.request(m, curves == Curves.WAIT);
        if (queued.isEmpty()) {
            return m;
        }
        if (curves == Curves.WAIT) {
            try {
                return m.withMetrics(queued.get().get(CURVES_WAIT_SECONDS, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // answered without them: pending while they are computed, none when they failed (logged)
            }
        }
        // queued: pending, even if they are stored by now (the answer shows the map as read; GET shows them)
        return m.withCurves(queued.get().isCompletedExceptionally() ? SaliencyMap.NONE : SaliencyMap.PENDING);
    }

    /**
     * The map with its deletion/insertion curves once they are stored (at once when it has them): a
     * page shows the map first and the numbers when this completes. Fails with {@link Unavailable}
     * when too many maps wait for their curves (showing the map again tries again).
     */
    public CompletableFuture<SaliencyMap> withCurves(SaliencyMap m) {
        if (m.hasCurves()) {
            return CompletableFuture.completedFuture(m);
        }
        return qualityCurves.request(m, false).map(f -> f.thenApply(m::withMetrics))
                .orElseGet(() -> CompletableFuture.failedFuture(new Unavailable("Server busy",
                        "Too many maps wait for their deletion/insertion curves; they are computed when the map is "
                                + "shown again")));
    }

    /**
     * Computes ahead, in the background, the maps (predicted class, default parameters, no curves)
     * of the samples {@code upcoming} names when it runs, by each method, unless stored: a reviewer's
     * next samples are then drawn without waiting for their maps. {@code queue} names whose queue it
     * is (one look at a time per queue and model version); dropped when the background is full.
     */
    public void prepare(String queue, Supplier<List<Long>> upcoming, long modelId, List<String> methodNames) {
        List<String> names = methodNames.stream().map(n -> methods.get(n).name()).distinct().toList();
        ahead.submit(new Upcoming(queue, modelId), () -> {
            for (long sampleId : upcoming.get()) {
                for (String name : names) {
                    ahead.submit(new MapsAhead.Ahead(sampleId, modelId, name), () ->
                            compute(sampleId, modelId, name, Targets.PREDICTED, Map.of(), false));
                }
            }
            return null;
        });
    }

    /** Whose queue {@link #prepare} looks at. */
    private record Upcoming(String queue, long modelId) {
    }

    /**
     * The stored map, else computed and stored; with {@code join} a default map (predicted class,
     * default parameters) is computed once with the look ahead ({@link MapsAhead#once}): the same map
     * being computed ahead is waited for, never computed a second time.
     */
    private SaliencyMap compute(long sampleId, long modelId, String methodName, String target, Map<String, String> given,
                                boolean join) {
        Sample s = datasets.sample(sampleId).orElseThrow(() -> NotFound.of("Sample " + sampleId));
        ModelVersion v = models.version(modelId).orElseThrow(() -> NotFound.of("Model " + modelId));
        AttributionMethod method = methods.get(methodName);
        Optional<TableEncoding> table = models.tableEncoding(v);
        refuseOnRows(method, v, table.isPresent());
        if (join && (target == null || target.isBlank() || target.strip().equals(Targets.PREDICTED)) && given.isEmpty()) {
            // the map may be being computed ahead for a reviewer: wait for it rather than compute it twice
            return ahead.once(new MapsAhead.Ahead(s.id, v.id, method.name()),
                    () -> compute(sampleId, modelId, methodName, target, given, false));
        }
        InputSpec spec = models.spec(v);
        MethodParameters params = method.bind(given, spec.height(), spec.width(), ModelService.isTabular(v));
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
                    ExplainableModel.GradientResult r = lease.model().gradientChoosingTargets(in, l -> {
                        // logits with a NaN name no class: a 422, not a map computed again and again
                        PredictionService.requireFinite(s, v, l, spec.classes());
                        return new int[] {Prediction.of(s.id, v.id, l, spec.classes()).predictedLabel()};
                    });
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
        List<String> features = table.map(TableEncoding::features).orElse(null);
        Optional<SaliencyMap> stored = stored(key, method, params, spec, features);
        if (stored.isPresent()) {
            return stored.get();
        }
        InputBatch x = fused != null ? fused.shape() : predictions.input(s, v);
        float[] values;
        Map<String, Double> metrics;
        try (ModelService.Lease lease = models.lease(v)) {
            Attribution a = fused != null ? fused : FiniteAttributions.attribute(method, lease.model(), x, new int[] {t},
                    params);
            values = a.values();
            metrics = new TreeMap<>(a.metrics().get(0));
        }
        NewMap m = table.isPresent() ? NewMap.ofRow(key, table.get().perFeature(values), metrics)
                : NewMap.of(key, x, values, metrics, MapChannels.of(method, params));
        long id = store.insert(m);
        return new SaliencyMap(id, s.id, v.id, method.name(), params.asMap(), t, spec.classes().get(t),
                List.of(m.channels(), m.height(), m.width()), m.kept(), NewMap.readMetrics(m.metrics()), m.data().length,
                MapSignal.missing(m.min(), m.max()).orElse(null), null).withFeatures(features);
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
        Optional<TableEncoding> table = models.tableEncoding(v);
        refuseOnRows(method, v, table.isPresent());
        InputSpec spec = models.spec(v);
        MethodParameters params = method.bind(given, spec.height(), spec.width(), ModelService.isTabular(v));
        String t = target == null || target.isBlank() ? Targets.PREDICTED : target.strip();
        if (!s.projectId.equals(v.projectId)) {
            throw new Invalid("Model of another project",
                    "Model " + v.id + " belongs to project " + v.projectId + ", sample " + s.id + " to project " + s.projectId);
        }
        // a read runs the model only when no prediction of the sample is stored
        Integer storedLabel = t.equals(Targets.PREDICTED) ? predictions.storedLabel(s.id, v.id).orElse(null) : null;
        int resolved = storedLabel != null ? storedLabel
                : Targets.resolve(target, s.label, () -> predictions.compute(s, v).predictedLabel(), spec.classes().size());
        return stored(new MapKey(s.id, v.id, method.name(), params.canonical(), resolved), method, params, spec,
                table.map(TableEncoding::features).orElse(null))
                .map(m -> !m.hasCurves() && qualityCurves.pending(m.id()) ? m.withCurves(SaliencyMap.PENDING) : m);
    }

    /**
     * The stored map with this key, as one plane unless every channel was asked for: a map stored
     * with all its channels before planes existed (under the same key) is answered reduced as a new
     * one would be stored ({@link MapChannels}), so the answers of one key always have one shape.
     */
    private Optional<SaliencyMap> stored(MapKey k, AttributionMethod method, MethodParameters params, InputSpec spec,
                                         List<String> features) {
        return store.find(k).map(r -> {
            int pixels = r.height() * r.width();
            float[] values = MapEncoding.decode(r.encoding(), r.data(), r.channels() * pixels);
            MapChannels form = MapChannels.of(method, params);
            float[] shown = form.stored(values, r.channels(), pixels);
            return new SaliencyMap(r.id(), k.sampleId(), k.modelId(), k.method(), params.asMap(), k.target(),
                    spec.classes().get(k.target()), List.of(shown.length / pixels, r.height(), r.width()), shown,
                    NewMap.readMetrics(r.metrics()), r.storedBytes(), MapSignal.missing(r.min(), r.max()).orElse(null),
                    r.selfCheck()).withFeatures(features);
        });
    }

    /**
     * Every registered attribution method in the registry's order, each with why it cannot run on
     * the model version (e.g. the CAM methods on a model uploaded whole), without running it.
     */
    public List<MethodAvailability> methods(ModelVersion v) {
        boolean rows = models.tableEncoding(v).isPresent();
        return methods.all().stream().map(m -> new MethodAvailability(m.name(),
                m.refusalOn(v.supportsCam, rows).orElse(null))).toList();
    }

    /** Whether any map was computed under one of these model versions (a project's first saliency job has run). */
    public boolean anyMapOf(Collection<Long> modelIds) {
        return store.anyMapOf(modelIds);
    }

    /** A method made for images asked for on a table row: a 400 saying why and what runs on rows. */
    static void refuseOnRows(AttributionMethod method, ModelVersion v, boolean rows) {
        if (rows) {
            method.refusalOnRows().ifPresent(why -> {
                throw new Invalid("Method '" + method.name() + "' cannot run on rows", v.label() + " reads table rows: "
                        + why);
            });
        }
    }

    /**
     * Stored maps of table rows as their values by feature name, in the model's feature order, by
     * map id; maps of images and maps no longer stored are absent. One query for all of them, as a
     * report over many verdicts needs. Reads only.
     */
    public Map<Long, Map<String, Float>> rowValues(Collection<Long> mapIds) {
        Map<Long, Map<String, Float>> out = new HashMap<>();
        for (MapStore.EncodedValues m : store.encodedValues(mapIds)) {
            List<String> features = models.version(m.modelId()).flatMap(models::tableEncoding)
                    .map(TableEncoding::features).orElse(null);
            if (features == null || m.values() != features.size()) {
                continue;
            }
            float[] values = MapEncoding.decode(m.encoding(), m.data(), m.values());
            Map<String, Float> byName = new LinkedHashMap<>();
            for (int i = 0; i < values.length; i++) {
                byName.put(features.get(i), values[i]);
            }
            out.put(m.id(), byName);
        }
        return out;
    }
}
