package org.rationale.model;

import org.rationale.config.Json;
import org.rationale.error.Invalid;
import org.rationale.error.NotFound;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;
import org.rationale.audit.AuditLog;
import org.rationale.dataset.DatasetService;
import org.rationale.dataset.Sample;
import org.rationale.dataset.TableColumn;
import org.rationale.dataset.Split;
import org.rationale.project.Modality;
import org.rationale.project.Project;
import org.rationale.project.ProjectService;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Training as a job of the queue: the request is checked and recorded as a job with one item, a
 * worker (of this process or any other) claims it and calls {@link #run}, progress and the result
 * (the new model version and its accuracies per split) are written back to the job. A worker that
 * dies mid-training lets its lease expire, and another worker trains again from the start. The
 * jobs are stored through {@link TrainingJobs}, the feedback masks read through {@link ShortcutMasks}.
 */
@ApplicationScoped
public class TrainingService {

    private static final Logger LOG = Logger.getLogger(TrainingService.class);
    private static final ObjectMapper JSON = Json.MAPPER;

    private final AuditLog audit;
    private final ProjectService projects;
    private final DatasetService datasets;
    private final ModelService models;
    private final ComputeDevice device;
    private final TrainingJobs jobs;
    private final ModelStore store;
    private final ShortcutMasks masks;

    TrainingService(AuditLog audit, ProjectService projects, DatasetService datasets, ModelService models,
                    ComputeDevice device, TrainingJobs jobs, ModelStore store, ShortcutMasks masks) {
        this.audit = audit;
        this.projects = projects;
        this.datasets = datasets;
        this.models = models;
        this.device = device;
        this.jobs = jobs;
        this.store = store;
        this.masks = masks;
    }

    /** Checks the request and queues the training; returns the job id. */
    public long start(long projectId, TrainingRequest request) {
        TrainingRequest r = request.validated();
        Split split = Split.parse(r.split());
        Project p = projects.find(projectId).orElseThrow(() -> NotFound.of("Project " + projectId));
        if (p.modality == Modality.TABULAR) {
            if (r.feedbackMode() != Feedback.Mode.NONE || r.roundId() != null) {
                throw new Invalid("No feedback training on rows yet", "Project '" + p.name + "' holds table rows: "
                        + "the platform trains its MLP on them without feedback (feedback none, outside a round)");
            }
            int width = encodedWidth(datasets.tableColumns(p.id));
            if (width > TabularSpec.MAX_FEATURES) {
                throw new Invalid("Too many features to train on", "Project '" + p.name + "' has tables whose columns "
                        + "encode to " + width + " model inputs (a categorical column one per category); the platform's "
                        + "MLP takes at most " + TabularSpec.MAX_FEATURES + ": upload a model trained elsewhere");
            }
            if (request.name() == null || request.name().isBlank()) {
                r = new TrainingRequest("tabular-mlp", r.split(), r.epochs(), r.batchSize(), r.learningRate(), r.seed(),
                        r.feedback(), r.lambda(), r.roundId(), r.controls(), r.feedbackBefore());
            }
        }
        if (datasets.countsBySplit(projectId).get(split.value()) == 0) {
            throw new Invalid("Nothing to train on", "Project '" + p.name + "' has no " + split.value() + " samples");
        }
        if (p.classNames.size() < 2) {
            throw new Invalid("Too few classes", "Training needs at least two classes");
        }
        return insertJob(projectId, r);
    }

    @Transactional
    long insertJob(long projectId, TrainingRequest r) {
        long id = jobs.queue(projectId, json(r));
        audit.record("job.submit", "job:" + id, projectId, AuditLog.details("kind", "train", "items", 1, "request", r));
        return id;
    }

    /**
     * Trains for a claimed job item: reads the request stored with the job, trains on this
     * process's device, stores the new version and writes the result to the job. Exceptions go to
     * the caller, the worker, which fails or retries the item.
     */
    public void run(long jobId) {
        TrainingJobs.Queued job = jobs.training(jobId)
                .orElseThrow(() -> new IllegalStateException("Job " + jobId + " is not a training"));
        TrainingRequest r;
        try {
            r = JSON.readValue(job.request(), TrainingRequest.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Job " + jobId + " has unreadable parameters: " + e.getMessage(), e);
        }
        run(jobId, job.projectId(), r, Split.parse(r.split()));
    }

    private void run(long jobId, long projectId, TrainingRequest r, Split split) {
        Project tabular = projects.find(projectId).filter(x -> x.modality == Modality.TABULAR).orElse(null);
        if (tabular != null) {
            runTabular(jobId, tabular, r, split);
            return;
        }
        long t0 = System.nanoTime();
        update(jobId, 0, null);
        Project p = projects.find(projectId).orElseThrow();
        List<DatasetService.LabelledPixels> train = datasets.pixels(projectId, split);
        InputSpec spec = trainingSpec(r.name(), train, p.classNames);
        List<DatasetService.LabelledPixels> test = split == Split.TEST ? List.of() : datasets.pixels(projectId, Split.TEST);
        // a round's retraining is compared with its parent on the test split, beside its controls'
        // trainings, which share the job's progress
        int controls = test.isEmpty() || r.controls() == null ? 0 : r.controls();
        int runs = 1 + controls;
        long[] lastWrite = {0};
        Feedback feedback = feedback(projectId, split, r, train);
        List<Double> epochLoss = new ArrayList<>();
        List<Double> epochAccuracy = new ArrayList<>();
        ModelTrainer.Result result = ModelTrainer.train(spec, train, r, feedback, device.device(), progress -> {
            if (System.nanoTime() - lastWrite[0] > 2_000_000_000L) {
                lastWrite[0] = System.nanoTime();
                update(jobId, progress / runs, null);
            }
        }, (epoch, loss, accuracy) -> {
            // each finished epoch's figures, so that the job can be followed epoch by epoch
            epochLoss.add(loss);
            epochAccuracy.add(accuracy);
            Map<String, Object> sofar = new LinkedHashMap<>();
            sofar.put("epoch", epoch);
            sofar.put("epochs", r.epochs());
            sofar.put("epochLoss", epochLoss);
            sofar.put("epochAccuracy", epochAccuracy);
            update(jobId, epoch / (double) r.epochs() / runs, json(sofar));
        });
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("architecture", SmallCnn.ARCHITECTURE);
        summary.put("split", split.value());
        summary.put("samples", train.size());
        summary.put("request", r);
        summary.put("epochLoss", result.epochLoss());
        summary.put("epochAccuracy", result.epochAccuracy());
        summary.put("feedback", Map.of("mode", feedback.mode().value(), "lambda", feedback.lambda(),
                "masks", feedback.examples().size(), "perBatch", feedback.perBatch()));
        Map<String, Double> accuracy = new LinkedHashMap<>();
        try (TrainedCnnModel trained = TrainedCnnModel.load(spec, result.parameters(), device.device())) {
            for (Split s : Split.values()) {
                List<DatasetService.LabelledPixels> data = s == split ? train : s == Split.TEST ? test
                        : datasets.pixels(projectId, s);
                if (!data.isEmpty()) {
                    accuracy.put(s.value(), ModelTrainer.accuracy(trained, data));
                }
            }
        }
        summary.put("accuracy", accuracy);
        Comparison comparison = r.roundId() == null || test.isEmpty() ? null : compare(jobId, projectId, spec, train, test, split, r, controls);
        if (comparison != null) {
            summary.put("comparison", comparison);
        }
        summary.put("seconds", (System.nanoTime() - t0) / 1e9);
        ModelVersion v = models.storeTrained(projectId, spec, result.parameters(), json(summary), parentOf(r), jobId,
                r.roundId() == null);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("modelId", v.id);
        out.put("version", v.version);
        out.put("epoch", r.epochs());
        out.put("epochs", r.epochs());
        out.put("epochLoss", result.epochLoss());
        out.put("epochAccuracy", result.epochAccuracy());
        out.put("accuracy", accuracy);
        if (comparison != null) {
            out.put("parentAccuracy", comparison.parentAccuracy());
            out.put("controlAccuracies", comparison.controlAccuracies());
            out.put("controlSeconds", comparison.seconds());
        }
        out.put("seconds", summary.get("seconds"));
        update(jobId, 1, json(out));
        LOG.infof("Trained %s v%d on %d samples in %.1f s; accuracy %s%s", v.name, v.version, train.size(),
                (System.nanoTime() - t0) / 1e9, accuracy, comparison == null ? "" : "; parent " + comparison.parentAccuracy()
                        + ", controls " + comparison.controlAccuracies());
    }

    /** Rows of one split read in one query, at most. */
    private static final int ROWS_PER_READ = 1_000;

    /** The encoded rows of a split (n × F, row-major) and their labels, in import order. */
    private record EncodedRows(float[] x, int[] labels) {
    }

    /** Every row of a project's split, encoded by {@code encoding} (a row that cannot be is left out). */
    private EncodedRows encodedRows(long projectId, Split split, TableEncoding encoding) {
        int f = encoding.width();
        List<float[]> rows = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int offset = 0; ; offset += ROWS_PER_READ) {
            List<Sample> page = datasets.samples(projectId, split, null, offset, ROWS_PER_READ).items();
            if (page.isEmpty()) {
                break;
            }
            Map<Long, Map<String, Object>> values = datasets.rows(page.stream().map(s -> s.id).toList());
            for (Sample s : page) {
                Map<String, Object> row = values.get(s.id);
                if (row != null) {
                    rows.add(encoding.encode(s.id, row));
                    labels.add(s.label);
                }
            }
            if (page.size() < ROWS_PER_READ) {
                break;
            }
        }
        float[] x = new float[rows.size() * f];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, x, i * f, f);
        }
        return new EncodedRows(x, labels.stream().mapToInt(Integer::intValue).toArray());
    }

    /** How many model inputs these columns encode to: a categorical column one per category, any other one. */
    private static int encodedWidth(List<TableColumn> columns) {
        long width = 0;
        for (TableColumn c : columns) {
            width += c.type() == TableColumn.Type.CATEGORICAL ? c.categories().size() : 1;
        }
        return (int) Math.min(Integer.MAX_VALUE, width);
    }

    /**
     * The platform's MLP on a tabular project ({@link TabularMlp}): every column of the project's
     * tables as a feature (a categorical column one-hot in the order of its categories, a boolean
     * as 1/0), standardised by the training split's mean and standard deviation (a constant column
     * by std 1), trained as the request says, its accuracy measured on every split with rows, and
     * stored as a version whose spec is a tabular one.
     */
    private void runTabular(long jobId, Project p, TrainingRequest r, Split split) {
        long t0 = System.nanoTime();
        update(jobId, 0, null);
        List<TableColumn> columns = datasets.tableColumns(p.id);
        List<String> features = new ArrayList<>();
        for (TableColumn c : columns) {
            if (c.type() == TableColumn.Type.CATEGORICAL) {
                c.categories().forEach(k -> features.add(c.name() + "=" + k));
            } else {
                features.add(c.name());
            }
        }
        int f = features.size();
        if (f > TabularSpec.MAX_FEATURES) {
            throw new ModelException("The tables of project '" + p.name + "' encode to " + f + " model inputs; the "
                    + "platform's MLP takes at most " + TabularSpec.MAX_FEATURES);
        }
        List<Double> zeros = Collections.nCopies(f, 0.0);
        List<Double> ones = Collections.nCopies(f, 1.0);
        TabularSpec raw = new TabularSpec(r.name(), features, List.copyOf(p.classNames), zeros, ones);
        EncodedRows train = encodedRows(p.id, split, TableEncoding.of(raw, columns, p.name));
        int n = train.labels().length;
        if (n == 0) {
            throw new ModelException("The " + split.value() + " split of project '" + p.name + "' has no rows to train on");
        }
        List<Double> mean = new ArrayList<>();
        List<Double> std = new ArrayList<>();
        for (int c = 0; c < f; c++) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += train.x()[i * f + c];
            }
            double m = sum / n;
            double sq = 0;
            for (int i = 0; i < n; i++) {
                double d = train.x()[i * f + c] - m;
                sq += d * d;
            }
            double s = Math.sqrt(sq / n);
            mean.add(m);
            std.add(s > 1e-12 ? s : 1.0);
        }
        TabularSpec spec = new TabularSpec(r.name(), features, List.copyOf(p.classNames), mean, std).validated();
        TableEncoding encoding = TableEncoding.of(spec, columns, p.name);
        float[] x = train.x().clone();
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < f; c++) {
                x[i * f + c] = (float) ((x[i * f + c] - mean.get(c)) / std.get(c));
            }
        }
        long[] lastWrite = {0};
        List<Double> epochLoss = new ArrayList<>();
        List<Double> epochAccuracy = new ArrayList<>();
        ModelTrainer.Result result = TabularTrainer.train(f, p.classNames.size(), x, train.labels(), r, device.device(),
                progress -> {
                    if (System.nanoTime() - lastWrite[0] > 2_000_000_000L) {
                        lastWrite[0] = System.nanoTime();
                        update(jobId, progress, null);
                    }
                }, (epoch, loss, accuracy) -> {
                    epochLoss.add(loss);
                    epochAccuracy.add(accuracy);
                    Map<String, Object> sofar = new LinkedHashMap<>();
                    sofar.put("epoch", epoch);
                    sofar.put("epochs", r.epochs());
                    sofar.put("epochLoss", epochLoss);
                    sofar.put("epochAccuracy", epochAccuracy);
                    update(jobId, epoch / (double) r.epochs(), json(sofar));
                });
        Map<String, Double> accuracy = new LinkedHashMap<>();
        InputSpec grid = spec.asInput();
        try (TrainedMlpModel trained = TrainedMlpModel.load(grid, result.parameters(), device.device(),
                () -> encoding.withReference(new float[f], new float[][] {new float[f]}))) {
            for (Split s : Split.values()) {
                EncodedRows rows = s == split ? new EncodedRows(x, train.labels()) : encodedRows(p.id, s, encoding);
                if (rows.labels().length > 0) {
                    accuracy.put(s.value(), TabularTrainer.accuracy(trained, rows.x(), rows.labels()));
                }
            }
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("architecture", TabularMlp.ARCHITECTURE);
        summary.put("split", split.value());
        summary.put("samples", n);
        summary.put("request", r);
        summary.put("epochLoss", result.epochLoss());
        summary.put("epochAccuracy", result.epochAccuracy());
        summary.put("accuracy", accuracy);
        summary.put("seconds", (System.nanoTime() - t0) / 1e9);
        ModelVersion v = models.storeTrainedTabular(p.id, spec, result.parameters(), json(summary), jobId);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("modelId", v.id);
        out.put("version", v.version);
        out.put("epoch", r.epochs());
        out.put("epochs", r.epochs());
        out.put("epochLoss", result.epochLoss());
        out.put("epochAccuracy", result.epochAccuracy());
        out.put("accuracy", accuracy);
        out.put("seconds", summary.get("seconds"));
        update(jobId, 1, json(out));
        LOG.infof("Trained %s v%d on %d rows in %.1f s; accuracy %s", v.name, v.version, n,
                (System.nanoTime() - t0) / 1e9, accuracy);
    }

    /**
     * What a retraining is compared with: the parent's test accuracy (measured now, on the same
     * test split) and that of each control: the same training without the feedback painted since
     * {@code feedbackBefore}, the first with the same seed, the others with other seeds.
     * {@code seconds} is what the controls and the parent's evaluation took.
     */
    public record Comparison(Double parentAccuracy, List<Double> controlAccuracies, List<Long> controlSeeds,
                             int controlMasks, double seconds) {
    }

    private Comparison compare(long jobId, long projectId, InputSpec spec, List<DatasetService.LabelledPixels> train,
                               List<DatasetService.LabelledPixels> test, Split split, TrainingRequest r, int controls) {
        long t0 = System.nanoTime();
        Double parentAccuracy = null;
        Long parentId = parentOf(r);
        ModelVersion parent = parentId == null ? null : models.find(parentId).orElse(null);
        if (parent != null) {
            try (ModelService.Lease lease = models.lease(parent)) {
                parentAccuracy = ModelTrainer.accuracy(lease.model(), test);
            }
        }
        Feedback before = r.feedbackBefore() == null ? feedback(projectId, split, r, train)
                : feedback(r, masks.paintedBefore(projectId, split, r.feedbackBefore()), train);
        List<Double> accuracies = new ArrayList<>();
        List<Long> seeds = new ArrayList<>();
        int runs = 1 + controls;
        long[] lastWrite = {0};
        for (int i = 0; i < controls; i++) {
            long seed = r.seed() + 7919L * i;
            TrainingRequest c = new TrainingRequest(r.name(), r.split(), r.epochs(), r.batchSize(), r.learningRate(), seed,
                    r.feedback(), r.lambda(), r.roundId(), 0, r.feedbackBefore());
            int done = 1 + i;
            ModelTrainer.Result result = ModelTrainer.train(spec, train, c, before, device.device(), progress -> {
                if (System.nanoTime() - lastWrite[0] > 2_000_000_000L) {
                    lastWrite[0] = System.nanoTime();
                    update(jobId, (done + progress) / runs, null);
                }
            });
            try (TrainedCnnModel m = TrainedCnnModel.load(spec, result.parameters(), device.device())) {
                accuracies.add(ModelTrainer.accuracy(m, test));
            }
            seeds.add(seed);
        }
        return new Comparison(parentAccuracy, accuracies, seeds, before.examples().size(), (System.nanoTime() - t0) / 1e9);
    }

    /** Largest side at which the platform's CNN trains on images of one size. */
    static final int LARGEST_SIDE = 256;
    /** Largest side of the square the platform's CNN trains on when image sizes differ. */
    static final int LARGEST_MIXED_SIDE = 128;

    /**
     * The input of the platform's CNN for these images: their one size when they all have it (up to
     * {@value #LARGEST_SIDE} pixels a side), else a square of the smallest image side (at most
     * {@value #LARGEST_MIXED_SIDE}) reached by centre crop, bilinear; 3 channels when any image is
     * colour; pixels scaled to [0, 1].
     */
    static InputSpec trainingSpec(String name, List<DatasetService.LabelledPixels> images, List<String> classes) {
        var first = images.get(0);
        boolean oneSize = images.stream().allMatch(i -> i.width() == first.width() && i.height() == first.height());
        int channels = images.stream().anyMatch(i -> i.channels() == 3) ? 3 : 1;
        int width;
        int height;
        if (oneSize && Math.max(first.width(), first.height()) <= LARGEST_SIDE) {
            width = first.width();
            height = first.height();
        } else {
            int side = images.stream().mapToInt(i -> Math.min(i.width(), i.height())).min().orElseThrow();
            width = Math.min(side, LARGEST_MIXED_SIDE);
            height = width;
        }
        return new InputSpec(name, channels, height, width, 1.0 / 255, Collections.nCopies(channels, 0.0),
                Collections.nCopies(channels, 1.0), List.copyOf(classes), InputSpec.CENTER_CROP, InputSpec.BILINEAR);
    }

    /**
     * The experts' feedback for a training: every non-empty {@code shortcut} mask on the split's
     * samples, with the sample's pixels; none when the request asks for none.
     */
    Feedback feedback(long projectId, Split split, TrainingRequest r, List<DatasetService.LabelledPixels> data) {
        Feedback.Mode mode = r.feedbackMode();
        if (mode == Feedback.Mode.NONE) {
            return Feedback.NONE;
        }
        return feedback(r, masks.of(projectId, split), data);
    }

    /** The feedback of these masks on the training data, as the request asks for it (none: none). */
    private static Feedback feedback(TrainingRequest r, List<ShortcutMasks.Mask> painted,
                                     List<DatasetService.LabelledPixels> data) {
        Feedback.Mode mode = r.feedbackMode();
        if (mode == Feedback.Mode.NONE) {
            return Feedback.NONE;
        }
        Map<Long, DatasetService.LabelledPixels> byId = new HashMap<>();
        for (DatasetService.LabelledPixels p : data) {
            byId.put(p.sampleId(), p);
        }
        List<Feedback.Example> examples = new ArrayList<>();
        for (ShortcutMasks.Mask m : painted) {
            DatasetService.LabelledPixels p = byId.get(m.sampleId());
            if (p != null && m.mask().length == p.width() * p.height()) {
                examples.add(new Feedback.Example(p, m.mask()));
            }
        }
        return new Feedback(mode, r.lambda() == null ? 1000 : r.lambda(), TrainingRequest.FEEDBACK_PER_BATCH, examples);
    }

    /** How many non-empty shortcut masks of the experts a training on this split would use as feedback. */
    public int feedbackMasks(long projectId, Split split) {
        return masks.count(projectId, split);
    }

    /** The model a round retrains, as the new version's parent. */
    Long parentOf(TrainingRequest r) {
        return r.roundId() == null ? null : store.retrainedBy(r.roundId()).orElse(null);
    }

    /** Progress and, at the end, the result; the queue owns the job's state. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    void update(long jobId, double progress, String result) {
        jobs.progress(jobId, progress, result);
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
