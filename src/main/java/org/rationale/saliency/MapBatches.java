package org.rationale.saliency;

import jakarta.enterprise.context.ApplicationScoped;
import org.rationale.dataset.DatasetService;
import org.rationale.dataset.Sample;
import org.rationale.error.DomainError;
import org.rationale.error.NotFound;
import org.rationale.explain.ExplainableModel;
import org.rationale.explain.InputBatch;
import org.rationale.model.InputSpec;
import org.rationale.model.ModelService;
import org.rationale.model.ModelVersion;
import org.rationale.model.Prediction;
import org.rationale.model.PredictionService;
import org.rationale.model.PreparedInput;
import org.rationale.model.TableEncoding;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Predictions and maps of many samples as a job computes them: one batched prediction (stored), then
 * per method one batched attribution of the maps not stored yet, stored in one batch while the next
 * batch is computed. A sample that cannot be computed fails alone, with the reason.
 */
@ApplicationScoped
public class MapBatches {

    private final AttributionMethods methods;
    private final ModelService models;
    private final PredictionService predictions;
    private final DatasetService datasets;
    private final MapStore store;

    MapBatches(AttributionMethods methods, ModelService models, PredictionService predictions, DatasetService datasets,
               MapStore store) {
        this.methods = methods;
        this.models = models;
        this.predictions = predictions;
        this.datasets = datasets;
        this.store = store;
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
        private final List<MapKey> keys = new ArrayList<>();
        private final List<float[]> values = new ArrayList<>();
        private final List<Map<String, Double>> metrics = new ArrayList<>();
        private final List<MapChannels> forms = new ArrayList<>();
        private InputBatch shape;
        /** How the rows of a tabular model group into features; null for an image model. */
        private TableEncoding table;
        private int checked;
        private int checkedBatches;
        private int disagreements;
        private String disagreement;
        private String mismatch;

        /** One computed map, its metrics and the form it is stored in. */
        private void add(MapKey key, float[] map, Map<String, Double> metric, MapChannels form) {
            keys.add(key);
            values.add(map);
            metrics.add(metric);
            forms.add(form);
        }

        MapBatch(Map<Long, String> failed) {
            this.failed = failed;
        }

        /** Maps of this batch computed a second time by the self-check. */
        public int checked() {
            return checked;
        }

        /** Batches (one per method) computed twice. */
        public int checkedBatches() {
            return checkedBatches;
        }

        /**
         * Batches (one per method) whose second computation differed from the first, settled by a
         * third or not.
         */
        public int disagreements() {
            return disagreements;
        }

        /** The first disagreement of this batch in words (which map, by how much, how it was settled); null when none. */
        public String disagreement() {
            return disagreement;
        }

        /**
         * When a map computed three times came out three ways: which one and by how much, in words
         * (every map of the batch is then stored flagged with it); null when every map was settled.
         */
        public String mismatch() {
            return mismatch;
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
        return predictAll(prepare(sampleIds, v, failed), v);
    }

    private Predicted predictAll(Prepared prepared, ModelVersion v) {
        List<Prediction> preds = prepared.samples().isEmpty() ? List.of()
                : predictions.predictAll(prepared.samples(), prepared.inputs(), v);
        return new Predicted(prepared.samples(), prepared.inputs(), preds);
    }

    /** The samples whose inputs could be made, and their inputs, in the same order. */
    private record Prepared(List<Sample> samples, List<InputBatch> inputs) {
    }

    /** Inputs of the samples; a sample missing, of another project or with an unreadable image fails alone. */
    private Prepared prepare(List<Long> sampleIds, ModelVersion v, Map<Long, String> failed) {
        List<Sample> found = datasets.samples(sampleIds);
        Set<Long> present = new HashSet<>();
        found.forEach(x -> present.add(x.id));
        sampleIds.stream().filter(id -> !present.contains(id)).forEach(id -> failed.put(id, "Sample " + id + " not found"));
        List<Sample> ok = new ArrayList<>();
        List<InputBatch> inputs = new ArrayList<>();
        List<Sample> sameProject = new ArrayList<>();
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
        return new Prepared(ok, inputs);
    }

    /** True when no sample has a map of this method and parameters stored, whatever its target. */
    private boolean noneStored(List<Sample> samples, ModelVersion v, MethodCall call, InputBatch shape) {
        AttributionMethod method = methods.get(call.name());
        MethodParameters params = method.bind(call.params() == null ? Map.of() : call.params(), shape.height(),
                shape.width(), ModelService.isTabular(v));
        return store.storedTargets(samples.stream().map(x -> x.id).toList(), v.id, method.name(), params.canonical())
                .isEmpty();
    }

    /**
     * The predictions and the maps of a plain-gradient method from one forward and one backward pass
     * per chunk: each chunk's logits resolve the targets of its backward pass. The predictions are
     * stored; the samples whose target cannot be resolved fail; the others, their inputs and targets
     * are added to {@code ok}, {@code inputs} and {@code targets} for the job's other methods.
     */
    private void predictWithGradients(Prepared prepared, ModelVersion v, InputSpec spec, MethodCall call, String target,
                                      SelfCheck check, MapBatch out, List<Sample> ok, List<InputBatch> inputs,
                                      List<Integer> targets) {
        List<Sample> samples = prepared.samples();
        AttributionMethod method = methods.get(call.name());
        MethodParameters params = method.bind(call.params() == null ? Map.of() : call.params(), out.shape.height(),
                out.shape.width(), ModelService.isTabular(v));
        int n = samples.size();
        int size = out.shape.sampleSize();
        int classes = spec.classes().size();
        float[] all = new float[n * size];
        for (int i = 0; i < n; i++) {
            System.arraycopy(prepared.inputs().get(i).values(), 0, all, i * size, size);
        }
        InputBatch x = out.shape.with(n, all);
        int[] t = new int[n];
        String[] refused = new String[n];
        float[] logits = new float[n * classes];
        Attribution a;
        Attribution[] from;
        try (ModelService.Lease lease = models.lease(v)) {
            ExplainableModel model = check.model().apply(lease.model());
            a = FiniteAttributions.finiteOrAgain(method.name(), () -> {
                ExplainableModel.GradientResult r = Batches.gradientChoosingTargets(model, x, (start, l) -> {
                    int[] chosen = new int[l.length / classes];
                    for (int j = 0; j < chosen.length; j++) {
                        int i = start + j;
                        float[] row = Arrays.copyOfRange(l, j * classes, (j + 1) * classes);
                        try {
                            t[i] = Targets.resolve(target, samples.get(i).label,
                                    () -> Prediction.of(samples.get(i).id, v.id, row, spec.classes()).predictedLabel(),
                                    classes);
                            refused[i] = null;
                        } catch (DomainError e) {
                            refused[i] = e.describe();
                        }
                        chosen[j] = refused[i] == null ? t[i] : 0;
                    }
                    return chosen;
                });
                System.arraycopy(r.logits(), 0, logits, 0, logits.length);
                return Attribution.withoutMetrics(x, r.gradient());
            });
            List<Integer> every = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                every.add(i);
            }
            from = selfCheck(check, method, params, model, a, x, t, samples, every, out);
        }
        predictions.storeAll(samples, logits, v);
        for (int i = 0; i < n; i++) {
            if (refused[i] != null) {
                out.failed.put(samples.get(i).id, refused[i]);
                continue;
            }
            ok.add(samples.get(i));
            inputs.add(prepared.inputs().get(i));
            targets.add(t[i]);
            out.add(new MapKey(samples.get(i).id, v.id, method.name(), params.canonical(), t[i]), from[i].sample(i),
                    from[i].metrics().get(i), MapChannels.of(method, params));
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
        return computeMaps(sampleIds, modelId, calls, target, SelfCheck.off());
    }

    /**
     * The same, computing a random share of the batches a second time ({@link SelfCheck}): a
     * disagreement settled by a third computation is in {@link MapBatch#disagreement()}, one that
     * could not be settled in {@link MapBatch#mismatch()}, which flags every map of the batch when stored.
     */
    public MapBatch computeMaps(List<Long> sampleIds, long modelId, List<MethodCall> calls, String target,
                                SelfCheck check) {
        ModelVersion v = models.version(modelId).orElseThrow(() -> NotFound.of("Model " + modelId));
        InputSpec spec = models.spec(v);
        MapBatch out = new MapBatch(new LinkedHashMap<>());
        out.table = models.tableEncoding(v).orElse(null);
        for (MethodCall call : calls) {
            Optional<String> refusal = out.table == null ? Optional.empty() : methods.get(call.name()).refusalOnRows();
            if (refusal.isPresent()) {
                sampleIds.forEach(id -> out.failed.put(id, v.label() + " reads table rows: " + refusal.get()));
                return out;
            }
        }
        List<Sample> ok = new ArrayList<>();
        List<InputBatch> inputs = new ArrayList<>();
        List<Integer> targets = new ArrayList<>();
        List<MethodCall> rest = calls;
        Prepared prepared = prepare(sampleIds, v, out.failed);
        MethodCall first = calls.isEmpty() ? null : calls.get(0);
        if (first != null && !prepared.samples().isEmpty() && methods.get(first.name()).isPlainGradient()
                && noneStored(prepared.samples(), v, first, prepared.inputs().get(0))) {
            // one forward pass gives the predictions (stored) and the first method's maps
            out.shape = prepared.inputs().get(0);
            predictWithGradients(prepared, v, spec, first, target, check, out, ok, inputs, targets);
            rest = calls.subList(1, calls.size());
        } else {
            Predicted predicted = predictAll(prepared, v);
            for (int i = 0; i < predicted.samples().size(); i++) {
                Sample x = predicted.samples().get(i);
                Prediction p = predicted.predictions().get(i);
                try {
                    targets.add(Targets.resolve(target, x.label, p::predictedLabel, spec.classes().size()));
                    ok.add(x);
                    inputs.add(predicted.inputs().get(i));
                } catch (DomainError e) {
                    out.failed.put(x.id, e.describe());
                }
            }
        }
        if (ok.isEmpty()) {
            return out;
        }
        out.shape = inputs.get(0);
        for (MethodCall call : rest) {
            AttributionMethod method = methods.get(call.name());
            MethodParameters params = method.bind(call.params() == null ? Map.of() : call.params(), out.shape.height(),
                    out.shape.width(), ModelService.isTabular(v));
            Set<MapStore.SampleTarget> stored = store.storedTargets(ok.stream().map(x -> x.id).toList(), v.id,
                    method.name(), params.canonical());
            List<Integer> todo = new ArrayList<>();
            for (int i = 0; i < ok.size(); i++) {
                if (!stored.contains(new MapStore.SampleTarget(ok.get(i).id, targets.get(i)))) {
                    todo.add(i);
                }
            }
            if (todo.isEmpty()) {
                continue;
            }
            MapChannels form = MapChannels.of(method, params);
            int size = out.shape.sampleSize();
            float[] all = new float[todo.size() * size];
            int[] t = new int[todo.size()];
            for (int j = 0; j < todo.size(); j++) {
                System.arraycopy(inputs.get(todo.get(j)).values(), 0, all, j * size, size);
                t[j] = targets.get(todo.get(j));
            }
            InputBatch batch = out.shape.with(todo.size(), all);
            Attribution a;
            Attribution[] from;
            try (ModelService.Lease lease = models.lease(v)) {
                ExplainableModel model = check.model().apply(lease.model());
                a = FiniteAttributions.attribute(method, model, batch, t, params);
                from = selfCheck(check, method, params, model, a, batch, t, ok, todo, out);
            }
            for (int j = 0; j < todo.size(); j++) {
                out.add(new MapKey(ok.get(todo.get(j)).id, v.id, method.name(), params.canonical(), t[j]),
                        from[j].sample(j), from[j].metrics().get(j), form);
            }
        }
        return out;
    }

    /**
     * Computes the identical batch again when the self-check picks it and compares map by map; where
     * the two disagree, a third computation decides. Returns, per map, the computation whose answer
     * is to be stored (the first unless the second and third agreed against it).
     */
    private static Attribution[] selfCheck(SelfCheck check, AttributionMethod method, MethodParameters params,
                                           ExplainableModel model, Attribution first, InputBatch batch, int[] targets,
                                           List<Sample> ok, List<Integer> todo, MapBatch out) {
        Attribution[] from = new Attribution[todo.size()];
        Arrays.fill(from, first);
        if (!check.picks()) {
            return from;
        }
        Attribution second = FiniteAttributions.attribute(method, model, batch, targets, params);
        out.checked += todo.size();
        out.checkedBatches++;
        Map<Integer, String> differing = new LinkedHashMap<>();
        for (int j = 0; j < todo.size(); j++) {
            int at = j;
            SelfCheck.disagreement(first.sample(j), second.sample(j)).ifPresent(why -> differing.put(at, why));
        }
        if (differing.isEmpty()) {
            return from;
        }
        Attribution third = FiniteAttributions.attribute(method, model, batch, targets, params);
        out.disagreements++;
        int firstOutvoted = 0;
        for (var e : differing.entrySet()) {
            int j = e.getKey();
            float[] firstMap = first.sample(j);
            Optional<float[]> agreed = SelfCheck.settled(firstMap, second.sample(j), third.sample(j));
            if (agreed.isEmpty()) {
                if (out.mismatch == null) {
                    out.mismatch = "computed three times by one worker, the " + method.name() + " map of sample "
                            + ok.get(todo.get(j)).id + " (in the same batch as this one) came out three ways: "
                            + e.getValue();
                }
            } else if (agreed.get() != firstMap) {
                from[j] = second;
                firstOutvoted++;
            }
        }
        if (out.disagreement == null) {
            int j = differing.keySet().iterator().next();
            out.disagreement = String.format(Locale.US, "computed twice as the same batch of %d, %d of its %s maps "
                    + "differed (sample %d: %s); a third computation sided with the second in %d", todo.size(),
                    differing.size(), method.name(), ok.get(todo.get(j)).id, differing.get(j), firstOutvoted);
        }
        return from;
    }

    /**
     * Reduces ({@link MapChannels}) and encodes the maps of a batch and stores them in one JDBC batch
     * (a map stored meanwhile is kept).
     */
    public void store(MapBatch batch) {
        if (batch.keys.isEmpty()) {
            return;
        }
        List<NewMap> maps = new ArrayList<>(batch.keys.size());
        for (int i = 0; i < batch.keys.size(); i++) {
            NewMap m = batch.table != null
                    ? NewMap.ofRow(batch.keys.get(i), batch.table.perFeature(batch.values.get(i)), batch.metrics.get(i))
                    : NewMap.of(batch.keys.get(i), batch.shape, batch.values.get(i), batch.metrics.get(i),
                    batch.forms.get(i));
            maps.add(batch.mismatch == null ? m : m.flagged(batch.mismatch));
        }
        store.insert(maps);
    }
}
