package org.rationale.model;

import org.rationale.error.DomainError;
import org.rationale.error.Invalid;
import org.rationale.error.NotFound;
import org.rationale.error.Unprocessable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;
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

    /** How many labelled rows, or images, an upload's accuracy is measured on (a forward pass each). */
    public static final int HELD_OUT_ROWS = 1000;
    public static final int HELD_OUT_IMAGES = 200;
    /** The draw of held-out samples: fixed, so two uploads of one project are measured on the same ones. */
    static final long HELD_OUT_SEED = 29;
    private static final Logger LOG = Logger.getLogger(PredictionService.class);

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
     * A model's accuracy on up to {@code limit} labelled samples of the project's test split (validation, then
     * training, when it has none), beside the share of the commonest class among them: a table model uploaded
     * with its features in another order, or an image model given another scale or normalisation than it
     * was trained with, scores near or below that share though every check of its shape passed. Inputs are
     * drawn across the split (not its first ones: an archive arrives class by class) and prepared a batch at a
     * time (memory of one batch); a sample that cannot be prepared is left out; a non-finite answer counts as
     * wrong. Nothing is stored; empty when no sample could be measured.
     */
    public Optional<HeldOutAccuracy> heldOutAccuracy(ModelVersion v, int limit) {
        Split split = null;
        List<Sample> samples = List.of();
        for (Split s : List.of(Split.TEST, Split.VALIDATION, Split.TRAIN)) {
            samples = datasets.drawnSamples(v.projectId, s, HELD_OUT_SEED, limit);
            split = s;
            if (!samples.isEmpty()) {
                break;
            }
        }
        int measured = 0;
        int correct = 0;
        Map<Integer, Integer> perClass = new HashMap<>();
        try (ModelService.Lease lease = models.lease(v)) {
            BlockModel m = lease.model();
            int k = m.classes();
            for (int start = 0; start < samples.size(); start += m.maxBatch()) {
                List<Sample> chunk = samples.subList(start, Math.min(samples.size(), start + m.maxBatch()));
                Map<Long, PreparedInput> prepared = inputs(chunk, v);
                List<Sample> ready = new ArrayList<>();
                List<InputBatch> batches = new ArrayList<>();
                for (Sample s : chunk) {
                    if (prepared.get(s.id) instanceof PreparedInput.Ready r) {
                        ready.add(s);
                        batches.add(r.batch());
                    }
                }
                if (ready.isEmpty()) {
                    continue;
                }
                int size = batches.get(0).sampleSize();
                float[] x = new float[batches.size() * size];
                for (int i = 0; i < batches.size(); i++) {
                    System.arraycopy(batches.get(i).values(), 0, x, i * size, size);
                }
                float[] logits = m.logits(batches.get(0).with(batches.size(), x));
                for (int i = 0; i < ready.size(); i++) {
                    int label = ready.get(i).label;
                    perClass.merge(label, 1, Integer::sum);
                    measured++;
                    if (argmaxIfFinite(logits, i * k, k) == label) {
                        correct++;
                    }
                }
            }
        }
        if (measured == 0) {
            return Optional.empty();
        }
        int commonest = perClass.values().stream().max(Integer::compare).orElse(0);
        return Optional.of(new HeldOutAccuracy(split.value(), measured, correct, (double) correct / measured,
                (double) commonest / measured, perClass.size()));
    }

    /** The index of the largest of {@code k} scores from {@code offset}, or -1 when one is not finite. */
    private static int argmaxIfFinite(float[] scores, int offset, int k) {
        int best = 0;
        for (int c = 0; c < k; c++) {
            if (!Float.isFinite(scores[offset + c])) {
                return -1;
            }
            if (scores[offset + c] > scores[offset + best]) {
                best = c;
            }
        }
        return best;
    }

    /**
     * {@link #heldOutAccuracy} of {@link #HELD_OUT_ROWS} table rows or {@link #HELD_OUT_IMAGES} images, or null
     * when none could be measured.
     */
    public HeldOutAccuracy heldOutAccuracyOrNone(ModelVersion v) {
        try {
            return heldOutAccuracy(v, models.tableEncoding(v).isPresent() ? HELD_OUT_ROWS : HELD_OUT_IMAGES)
                    .orElse(null);
        } catch (RuntimeException e) {
            // advisory: the version is stored whatever happens here
            LOG.warnf(e, "Accuracy of model %s on held-out samples not measured", v.label());
            return null;
        }
    }

    /** A model's accuracy on labelled samples of a split, and the share of the commonest class among them. */
    public record HeldOutAccuracy(String split, int samples, int correct, double accuracy, double majorityShare,
                                  int classes) {

        /**
         * Whether the model does no better than always answering the commonest class (within 2 points), among
         * samples of at least two classes (of one class, any model "does no better").
         */
        public boolean noBetterThanMajority() {
            return classes >= 2 && accuracy <= majorityShare + 0.02;
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
