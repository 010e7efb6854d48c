package org.rationale.model;

import org.rationale.error.DomainError;
import org.rationale.error.Invalid;
import org.rationale.error.NotFound;
import org.rationale.error.Unprocessable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.rationale.dataset.DatasetService;
import org.rationale.imaging.ImageCodec;
import org.rationale.dataset.Sample;
import org.rationale.dataset.Split;
import org.rationale.explain.InputBatch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs a model version on a sample: the preprocessed input, the prediction, stored once per
 * (sample, model version).
 */
@ApplicationScoped
public class PredictionService {

    /** How many labelled rows an upload's accuracy is measured on. */
    public static final int HELD_OUT_ROWS = 1000;

    private final PredictionStore store;
    private final ModelService models;
    private final DatasetService datasets;

    PredictionService(PredictionStore store, ModelService models, DatasetService datasets) {
        this.store = store;
        this.models = models;
        this.datasets = datasets;
    }

    /**
     * The sample as the model's input: an image fitted to the model's size as its spec says
     * ({@link InputSpec#input}), a table row encoded and standardised as a 1×1×F batch
     * ({@link TableEncoding#encode}).
     */
    public InputBatch input(Sample s, ModelVersion v) {
        Optional<TableEncoding> table = models.tableEncoding(v);
        if (table.isPresent()) {
            Map<String, Object> row = datasets.rows(List.of(s.id)).get(s.id);
            if (row == null) {
                throw new Unprocessable("Not a table row", "Sample " + s.id + " is an image; model " + v.label()
                        + " reads table rows");
            }
            return row(table.get(), s.id, row);
        }
        InputSpec spec = models.spec(v);
        byte[] png = datasets.image(s.id);
        return prepare(spec, ImageCodec.decodePng(png));
    }

    private static InputBatch prepare(InputSpec spec, ImageCodec.Pixels px) {
        return new InputBatch(1, spec.channels(), spec.height(), spec.width(),
                spec.input(px.data(), px.width(), px.height(), px.channels()));
    }

    /** Predictions of many samples of one model from one batched forward pass, stored. */
    public List<Prediction> predictAll(List<Sample> samples, List<InputBatch> inputs, ModelVersion v) {
        InputSpec spec = models.spec(v);
        int size = inputs.get(0).sampleSize();
        float[] all = new float[inputs.size() * size];
        for (int i = 0; i < inputs.size(); i++) {
            System.arraycopy(inputs.get(i).values(), 0, all, i * size, size);
        }
        float[] logits;
        try (ModelService.Lease lease = models.lease(v)) {
            BlockModel m = lease.model();
            logits = new float[inputs.size() * m.classes()];
            int step = m.maxBatch();
            for (int start = 0; start < inputs.size(); start += step) {
                int n = Math.min(step, inputs.size() - start);
                float[] chunk = Arrays.copyOfRange(all, start * size, (start + n) * size);
                float[] l = m.logits(inputs.get(0).with(n, chunk));
                System.arraycopy(l, 0, logits, start * m.classes(), l.length);
            }
        }
        int k = spec.classes().size();
        List<Prediction> out = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            out.add(Prediction.of(samples.get(i).id, v.id, Arrays.copyOfRange(logits, i * k, (i + 1) * k),
                    spec.classes()));
        }
        store.insert(out);
        return out;
    }

    /**
     * A table model's accuracy on up to {@code limit} labelled rows of the project's test split (the
     * training split when it has none), beside the share of the commonest class among them: a model
     * uploaded with its features in another order, or standardised otherwise, scores near or below that
     * share though every check of its shape passed. Nothing is stored; empty for an image model or a
     * project without rows. A row the model answers a non-finite score for counts as wrong.
     */
    public Optional<HeldOutAccuracy> heldOutAccuracy(ModelVersion v, int limit) {
        Optional<TableEncoding> table = models.tableEncoding(v);
        if (table.isEmpty()) {
            return Optional.empty();
        }
        Split split = Split.TEST;
        List<Sample> samples = datasets.samples(v.projectId, split, null, 0, limit).items();
        if (samples.isEmpty()) {
            split = Split.TRAIN;
            samples = datasets.samples(v.projectId, split, null, 0, limit).items();
        }
        if (samples.isEmpty()) {
            return Optional.empty();
        }
        Map<Long, Map<String, Object>> rows = datasets.rows(samples.stream().map(x -> x.id).toList());
        int width = table.get().width();
        float[] x = new float[samples.size() * width];
        for (int i = 0; i < samples.size(); i++) {
            Map<String, Object> row = rows.get(samples.get(i).id);
            if (row == null) {
                return Optional.empty();
            }
            System.arraycopy(table.get().encode(samples.get(i).id, row), 0, x, i * width, width);
        }
        int correct = 0;
        Map<Integer, Integer> perClass = new HashMap<>();
        try (ModelService.Lease lease = models.lease(v)) {
            BlockModel m = lease.model();
            int k = m.classes();
            for (int start = 0; start < samples.size(); start += m.maxBatch()) {
                int n = Math.min(m.maxBatch(), samples.size() - start);
                float[] logits = m.logits(new InputBatch(n, 1, 1, width,
                        Arrays.copyOfRange(x, start * width, (start + n) * width)));
                for (int i = 0; i < n; i++) {
                    int label = samples.get(start + i).label;
                    perClass.merge(label, 1, Integer::sum);
                    int best = -1;
                    boolean finite = true;
                    for (int c = 0; c < k; c++) {
                        float l = logits[i * k + c];
                        finite &= Float.isFinite(l);
                        if (best < 0 || l > logits[i * k + best]) {
                            best = c;
                        }
                    }
                    if (finite && best == label) {
                        correct++;
                    }
                }
            }
        }
        int commonest = perClass.values().stream().max(Integer::compare).orElse(0);
        return Optional.of(new HeldOutAccuracy(split.value(), samples.size(), correct,
                (double) correct / samples.size(), (double) commonest / samples.size()));
    }

    /** {@link #heldOutAccuracy} of {@link #HELD_OUT_ROWS} rows, or null when there is none or a row cannot be encoded. */
    public HeldOutAccuracy heldOutAccuracyOrNone(ModelVersion v) {
        try {
            return heldOutAccuracy(v, HELD_OUT_ROWS).orElse(null);
        } catch (DomainError e) {
            return null;
        }
    }

    /** A model's accuracy on labelled rows of a split, and the share of the commonest class among them. */
    public record HeldOutAccuracy(String split, int rows, int correct, double accuracy, double majorityShare) {

        /** Whether the model does no better than always answering the commonest class (within 2 points). */
        public boolean noBetterThanMajority() {
            return accuracy <= majorityShare + 0.02;
        }
    }

    /**
     * Predictions of many samples from logits computed elsewhere (N×classes in the samples' order,
     * e.g. by the forward pass of a gradient), stored; a prediction stored before is kept.
     */
    public List<Prediction> storeAll(List<Sample> samples, float[] logits, ModelVersion v) {
        List<String> classes = models.spec(v).classes();
        int k = classes.size();
        List<Prediction> out = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            out.add(Prediction.of(samples.get(i).id, v.id, Arrays.copyOfRange(logits, i * k, (i + 1) * k), classes));
        }
        store.insert(out);
        return out;
    }

    private static InputBatch row(TableEncoding table, long sampleId, Map<String, Object> row) {
        return new InputBatch(1, 1, 1, table.width(), table.encode(sampleId, row));
    }

    /**
     * Model inputs of many samples with one query for their images (or rows), each fitted to the
     * model's size (or encoded); a sample whose image or row is missing or unreadable is refused
     * with the reason.
     */
    public Map<Long, PreparedInput> inputs(List<Sample> samples, ModelVersion v) {
        Optional<TableEncoding> table = models.tableEncoding(v);
        if (table.isPresent()) {
            Map<Long, Map<String, Object>> rows = datasets.rows(samples.stream().map(x -> x.id).toList());
            Map<Long, PreparedInput> out = new LinkedHashMap<>();
            for (Sample s : samples) {
                Map<String, Object> row = rows.get(s.id);
                if (row == null) {
                    out.put(s.id, new PreparedInput.Refused(new Unprocessable("Not a table row", "Sample " + s.id
                            + " is an image; model " + v.label() + " reads table rows")));
                    continue;
                }
                try {
                    out.put(s.id, new PreparedInput.Ready(row(table.get(), s.id, row)));
                } catch (DomainError e) {
                    out.put(s.id, new PreparedInput.Refused(e));
                }
            }
            return out;
        }
        InputSpec spec = models.spec(v);
        Map<Long, byte[]> pngs = datasets.imagePngs(samples.stream().map(x -> x.id).toList());
        Map<Long, PreparedInput> out = new LinkedHashMap<>();
        for (Sample s : samples) {
            byte[] png = pngs.get(s.id);
            if (png == null) {
                out.put(s.id, new PreparedInput.Refused(NotFound.of("The image of sample " + s.id)));
                continue;
            }
            try {
                out.put(s.id, new PreparedInput.Ready(prepare(spec, ImageCodec.decodePng(png))));
            } catch (IllegalArgumentException e) {
                out.put(s.id, new PreparedInput.Refused(new Unprocessable("Unreadable image",
                        "The stored image of sample " + s.id + " cannot be decoded")));
            }
        }
        return out;
    }

    /** The stored prediction, computed and stored first when missing. */
    @Transactional
    public Prediction predict(Sample s, ModelVersion v) {
        Prediction p = compute(s, v);
        store.insert(List.of(p));
        return p;
    }

    /** The class the stored prediction of a sample by a model version names, if one is stored. */
    public Optional<Integer> storedLabel(long sampleId, long modelId) {
        return store.storedLabel(sampleId, modelId);
    }

    /**
     * The stored prediction of a sample by a model version; when none is stored yet, the prediction
     * computed now and not stored (for reads, which never write). No transaction: a forward pass must
     * not hold a database connection.
     */
    public Prediction storedOrComputed(Sample s, ModelVersion v) {
        checkSameProject(s, v);
        float[] stored = store.probabilities(v.id, List.of(s.id)).get(s.id);
        return stored == null ? compute(s, v) : Prediction.ofProbabilities(s.id, v.id, stored, models.spec(v).classes());
    }

    /** Refuses a model of another project than the sample's ({@link Invalid}). */
    public void requireSameProject(Sample s, ModelVersion v) {
        checkSameProject(s, v);
    }

    private static void checkSameProject(Sample s, ModelVersion v) {
        if (!s.projectId.equals(v.projectId)) {
            throw new Invalid("Model of another project",
                    "Model " + v.id + " belongs to project " + v.projectId + ", sample " + s.id + " to project " + s.projectId);
        }
    }

    /** The prediction computed now and not stored (for reads, which never write). */
    public Prediction compute(Sample s, ModelVersion v) {
        checkSameProject(s, v);
        InputSpec spec = models.spec(v);
        float[] logits;
        try (ModelService.Lease lease = models.lease(v)) {
            logits = lease.model().logits(input(s, v));
        }
        requireFinite(s, v, logits, spec.classes());
        return Prediction.of(s.id, v.id, logits, spec.classes());
    }

    /** Refuses logits of one sample with a NaN or an infinity: a 422 naming the sample and the class. */
    public static void requireFinite(Sample s, ModelVersion v, float[] logits, List<String> classes) {
        for (int i = 0; i < logits.length; i++) {
            if (!Float.isFinite(logits[i])) {
                throw new Unprocessable("The model gave no prediction", "Model " + v.name + " v" + v.version
                        + " answers " + logits[i] + " for class '" + classes.get(i) + "' on sample " + s.id
                        + ": a model's outputs must be finite logits");
            }
        }
    }
}
