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
import org.rationale.dataset.FeatureSet;
import org.rationale.dataset.Sample;
import org.rationale.dataset.TableColumn;
import org.rationale.dataset.Split;
import org.rationale.project.Modality;
import org.rationale.project.Project;
import org.rationale.project.ProjectService;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

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
        Project p = projects.find(projectId).orElseThrow(() -> NotFound.of("Project " + projectId));
        TrainingRequest r = (p.modality == Modality.TABULAR ? request.withRowDefaults() : request).validated();
        Split split = Split.parse(r.split());
        if (p.modality == Modality.TABULAR) {
            List<TableColumn> columns = datasets.tableColumns(p.id);
            int width = encodedWidth(columns);
            if (width > TabularSpec.MAX_FEATURES) {
                throw new Invalid("Too many features to train on", "Project '" + p.name + "' has tables whose columns "
                        + "encode to " + width + " model inputs (a categorical column one per category); the platform's "
                        + "MLP takes at most " + TabularSpec.MAX_FEATURES + ": upload a model trained elsewhere");
            }
            if (r.feedbackMode() != Feedback.Mode.NONE) {
                checkMarks(p, split, columns.stream().map(TableColumn::name).toList(), r.roundId() != null);
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
        Feedback feedback = feedback(projectId, split, r, train);
        JobProgress job = new JobProgress(jobId, runs, r.epochs());
        ModelTrainer.Result result = ModelTrainer.train(spec, train, r, feedback, device.device(), progress -> job.at(0, progress),
                job::epochDone);
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

    /** The encoded rows of a split (n × F, row-major), their labels and sample ids, in import order. */
    private record EncodedRows(float[] x, int[] labels, long[] ids) {
    }

    /**
     * Hands each row of a project's split, encoded by {@code encoding}, to {@code row} in import order, a
     * page of {@value #ROWS_PER_READ} rows read at a time (a sample without a row is left out).
     */
    private void forEachEncoded(long projectId, Split split, TableEncoding encoding, BiConsumer<Sample, float[]> row) {
        for (int offset = 0; ; offset += ROWS_PER_READ) {
            List<Sample> page = datasets.samples(projectId, split, null, offset, ROWS_PER_READ).items();
            if (page.isEmpty()) {
                break;
            }
            Map<Long, Map<String, Object>> values = datasets.rows(page.stream().map(s -> s.id).toList());
            for (Sample s : page) {
                Map<String, Object> v = values.get(s.id);
                if (v != null) {
                    row.accept(s, encoding.encode(s.id, v));
                }
            }
            if (page.size() < ROWS_PER_READ) {
                break;
            }
        }
    }

    /** Every row of a project's split, encoded by {@code encoding} (a row that cannot be is left out). */
    private EncodedRows encodedRows(long projectId, Split split, TableEncoding encoding) {
        int f = encoding.width();
        List<float[]> rows = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        List<Long> ids = new ArrayList<>();
        forEachEncoded(projectId, split, encoding, (s, row) -> {
            rows.add(row);
            labels.add(s.label);
            ids.add(s.id);
        });
        float[] x = new float[rows.size() * f];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, x, i * f, f);
        }
        return new EncodedRows(x, labels.stream().mapToInt(Integer::intValue).toArray(),
                ids.stream().mapToLong(Long::longValue).toArray());
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
     * The spec of a model that reads the project's rows as these features, each standardised by the
     * mean and standard deviation of its values over the training split (a constant feature by std
     * 1), as the platform's MLP reads them: what an uploaded model trained on a standardised copy of
     * the same table expects. A feature that names no column, or a training split without rows, is a
     * 400 saying so.
     */
    public TabularSpec standardisedOnTraining(long projectId, String name, List<String> features) {
        Project p = projects.find(projectId).orElseThrow(() -> NotFound.of("Project " + projectId));
        TabularSpec raw = new TabularSpec(name, features, List.copyOf(p.classNames),
                Collections.nCopies(features == null ? 0 : features.size(), 0.0),
                Collections.nCopies(features == null ? 0 : features.size(), 1.0)).validated();
        TableEncoding encoding = TableEncoding.of(raw, datasets.tableColumns(p.id), p.name);
        TabularSpec spec = standardised(raw, each -> forEachEncoded(p.id, Split.TRAIN, encoding, (s, row) -> each.accept(row)));
        if (spec == null) {
            throw new Invalid("No training rows", "The train split of project '" + p.name + "' has no rows to take "
                    + "each feature's mean and standard deviation from: import a training table, or list them");
        }
        return spec;
    }

    /**
     * {@code raw} with each feature's mean and population standard deviation over the rows (a constant
     * feature: std 1), or null without rows. {@code rows} hands every row to its argument, and is called
     * twice (the sums, then the squared deviations from the mean): memory of one row, however many.
     */
    private static TabularSpec standardised(TabularSpec raw, Consumer<Consumer<float[]>> rows) {
        int f = raw.features().size();
        double[] sum = new double[f];
        long[] n = {0};
        rows.accept(r -> {
            for (int c = 0; c < f; c++) {
                sum[c] += r[c];
            }
            n[0]++;
        });
        if (n[0] == 0) {
            return null;
        }
        double[] mean = new double[f];
        for (int c = 0; c < f; c++) {
            mean[c] = sum[c] / n[0];
        }
        double[] sq = new double[f];
        rows.accept(r -> {
            for (int c = 0; c < f; c++) {
                double d = r[c] - mean[c];
                sq[c] += d * d;
            }
        });
        List<Double> m = new ArrayList<>();
        List<Double> std = new ArrayList<>();
        for (int c = 0; c < f; c++) {
            double s = Math.sqrt(sq[c] / n[0]);
            m.add(mean[c]);
            std.add(s > 1e-12 ? s : 1.0);
        }
        return new TabularSpec(raw.name(), raw.features(), raw.classes(), m, std).validated();
    }

    /** The rows of {@code x} (n × F, row-major) one at a time, as {@link #standardised} reads them. */
    private static Consumer<Consumer<float[]>> rowsOf(float[] x, int n, int f) {
        return each -> {
            for (int i = 0; i < n; i++) {
                each.accept(Arrays.copyOfRange(x, i * f, (i + 1) * f));
            }
        };
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
        List<String> features = TableEncoding.allInputs(columns);
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
        TabularSpec spec = standardised(raw, rowsOf(train.x(), n, f));
        List<Double> mean = spec.mean();
        List<Double> std = spec.std();
        TableEncoding encoding = TableEncoding.of(spec, columns, p.name);
        float[] x = train.x().clone();
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < f; c++) {
                x[i * f + c] = (float) ((x[i * f + c] - mean.get(c)) / std.get(c));
            }
        }
        EncodedRows standardised = new EncodedRows(x, train.labels(), train.ids());
        EncodedRows test = split == Split.TEST ? new EncodedRows(new float[0], new int[0], new long[0])
                : encodedRows(p.id, Split.TEST, encoding);
        int controls = test.labels().length == 0 || r.controls() == null ? 0 : r.controls();
        int runs = 1 + controls;
        RowFeedback feedback = r.feedbackMode() == Feedback.Mode.NONE ? RowFeedback.NONE
                : rowFeedback(r, encoding, standardised, masks.of(p.id, split));
        JobProgress job = new JobProgress(jobId, runs, r.epochs());
        ModelTrainer.Result result = TabularTrainer.train(f, p.classNames.size(), x, train.labels(), r, feedback,
                device.device(), progress -> job.at(0, progress), job::epochDone);
        Map<String, Double> accuracy = new LinkedHashMap<>();
        for (Split s : Split.values()) {
            EncodedRows rows = s == split ? standardised : s == Split.TEST ? test : encodedRows(p.id, s, encoding);
            if (rows.labels().length > 0) {
                accuracy.put(s.value(), mlpAccuracy(spec, encoding, result.parameters(), rows));
            }
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("architecture", TabularMlp.ARCHITECTURE);
        summary.put("split", split.value());
        summary.put("samples", n);
        summary.put("request", r);
        summary.put("epochLoss", result.epochLoss());
        summary.put("epochAccuracy", result.epochAccuracy());
        summary.put("feedback", Map.of("mode", feedback.mode().value(), "lambda", feedback.lambda(),
                "masks", feedback.examples().size(), "features", markedFeatureNames(encoding, feedback),
                "appliedTo", "every training row"));
        summary.put("accuracy", accuracy);
        Comparison comparison = r.roundId() == null || test.labels().length == 0 ? null
                : compareTabular(jobId, p, spec, encoding, standardised, test, split, r, controls);
        if (comparison != null) {
            summary.put("comparison", comparison);
        }
        summary.put("seconds", (System.nanoTime() - t0) / 1e9);
        ModelVersion v = models.storeTrainedTabular(p.id, spec, result.parameters(),
                ModelService.referenceOfRows(encoding, x, n), json(summary), parentOf(r), jobId, r.roundId() == null);
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
        LOG.infof("Trained %s v%d on %d rows (%d marked) in %.1f s; accuracy %s%s", v.name, v.version, n,
                feedback.examples().size(), (System.nanoTime() - t0) / 1e9, accuracy, comparison == null ? ""
                        : "; parent " + comparison.parentAccuracy() + ", controls " + comparison.controlAccuracies());
    }

    /** The test accuracy of MLP parameters trained under {@code spec} on standardised rows. */
    private double mlpAccuracy(TabularSpec spec, TableEncoding encoding, byte[] parameters, EncodedRows rows) {
        int f = encoding.width();
        try (TrainedMlpModel trained = TrainedMlpModel.load(spec.asInput(), parameters, device.device(),
                () -> encoding.withReference(new float[f], new float[][] {new float[f]}))) {
            return TabularTrainer.accuracy(trained, rows.x(), rows.labels());
        }
    }

    /**
     * A tabular round's retraining compared, as an image one ({@link #compare}): the parent's
     * accuracy on the test rows (encoded as the parent reads them) and that of each control, the
     * same training with only the marks made before the round.
     */
    private Comparison compareTabular(long jobId, Project p, TabularSpec spec, TableEncoding encoding, EncodedRows train,
                                      EncodedRows test, Split split, TrainingRequest r, int controls) {
        long t0 = System.nanoTime();
        Double parentAccuracy = null;
        Long parentId = parentOf(r);
        ModelVersion parent = parentId == null ? null : models.find(parentId).orElse(null);
        if (parent != null) {
            TableEncoding read = models.tableEncoding(parent).orElse(null);
            if (read != null) {
                EncodedRows asParentReads = encodedRows(p.id, Split.TEST, read);
                try (ModelService.Lease lease = models.lease(parent)) {
                    parentAccuracy = TabularTrainer.accuracy(lease.model(), asParentReads.x(), asParentReads.labels());
                }
            }
        }
        RowFeedback before = rowFeedback(r, encoding, train, r.feedbackBefore() == null ? masks.of(p.id, split)
                : masks.paintedBefore(p.id, split, r.feedbackBefore()));
        List<Double> accuracies = new ArrayList<>();
        List<Long> seeds = new ArrayList<>();
        JobProgress job = new JobProgress(jobId, 1 + controls, r.epochs());
        for (int i = 0; i < controls; i++) {
            TrainingRequest c = r.control(i);
            int done = 1 + i;
            ModelTrainer.Result result = TabularTrainer.train(encoding.width(), p.classNames.size(), train.x(),
                    train.labels(), c, before, device.device(), progress -> job.at(done, progress), (epoch, loss, acc) -> { });
            accuracies.add(mlpAccuracy(spec, encoding, result.parameters(), test));
            seeds.add(c.seed());
        }
        return new Comparison(parentAccuracy, accuracies, seeds, before.examples().size(), (System.nanoTime() - t0) / 1e9);
    }

    /**
     * The marked features of each marked row, in the order of {@code features} (a model's), the
     * marks of several experts on one row united; a row whose marks name none of these features is
     * left out. Each mask is lined up by name from its dataset's column order ({@link FeatureSet#inOrder}).
     */
    private Map<Long, byte[]> markedFeatures(List<ShortcutMasks.Mask> painted, List<String> features) {
        Map<Long, byte[]> out = new LinkedHashMap<>();
        Map<Long, List<TableColumn>> columnsOf = new HashMap<>();
        for (int from = 0; from < painted.size(); from += ROWS_PER_READ) {
            List<ShortcutMasks.Mask> chunk = painted.subList(from, Math.min(painted.size(), from + ROWS_PER_READ));
            Map<Long, Long> datasetOf = new HashMap<>();
            for (Sample s : datasets.samples(chunk.stream().map(ShortcutMasks.Mask::sampleId).distinct().toList())) {
                datasetOf.put(s.id, s.datasetId);
            }
            for (ShortcutMasks.Mask m : chunk) {
                Long dataset = datasetOf.get(m.sampleId());
                if (dataset == null) {
                    continue;
                }
                List<TableColumn> columns = columnsOf.computeIfAbsent(dataset, datasets::datasetColumns);
                if (m.mask().length != columns.size()) {
                    continue;
                }
                byte[] inOrder = FeatureSet.inOrder(columns, m.mask(), features);
                boolean any = false;
                for (byte b : inOrder) {
                    any |= b != 0;
                }
                if (any) {
                    byte[] sofar = out.computeIfAbsent(m.sampleId(), id -> new byte[features.size()]);
                    for (int i = 0; i < inOrder.length; i++) {
                        sofar[i] |= inOrder[i];
                    }
                }
            }
        }
        return out;
    }

    /**
     * The experts' shortcut marks on the training rows as feedback: each marked row's mask over the
     * encoded inputs (every input of a marked feature), as the request asks for it.
     */
    private RowFeedback rowFeedback(TrainingRequest r, TableEncoding encoding, EncodedRows train,
                                    List<ShortcutMasks.Mask> painted) {
        if (r.feedbackMode() == Feedback.Mode.NONE) {
            return RowFeedback.NONE;
        }
        Map<Long, Integer> rowOf = new HashMap<>();
        for (int i = 0; i < train.ids().length; i++) {
            rowOf.put(train.ids()[i], i);
        }
        int[] featureOfColumn = encoding.featureOfColumn();
        List<RowFeedback.Example> examples = new ArrayList<>();
        for (Map.Entry<Long, byte[]> e : markedFeatures(painted, encoding.features()).entrySet()) {
            Integer row = rowOf.get(e.getKey());
            if (row == null) {
                continue;
            }
            float[] mask = new float[featureOfColumn.length];
            for (int c = 0; c < mask.length; c++) {
                mask[c] = e.getValue()[featureOfColumn[c]];
            }
            examples.add(new RowFeedback.Example(row, mask));
        }
        return RowFeedback.of(r.feedbackMode(), r.lambda() == null ? RowFeedback.DEFAULT_LAMBDA : r.lambda(),
                featureOfColumn.length, examples);
    }

    /** The names of the features some feedback row marks, in the encoding's order. */
    private static List<String> markedFeatureNames(TableEncoding encoding, RowFeedback feedback) {
        int[] featureOfColumn = encoding.featureOfColumn();
        boolean[] marked = new boolean[encoding.features().size()];
        for (int c = 0; c < featureOfColumn.length && c < feedback.shortcut().length; c++) {
            marked[featureOfColumn[c]] |= feedback.shortcut()[c] != 0;
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < marked.length; i++) {
            if (marked[i]) {
                out.add(encoding.features().get(i));
            }
        }
        return out;
    }

    /**
     * Refuses feedback on rows the training could not use: no shortcut marks on the split's rows
     * (outside a round, which may retrain without new marks), or marks that name none of the
     * features the platform's MLP takes.
     */
    private void checkMarks(Project p, Split split, List<String> features, boolean inRound) {
        List<ShortcutMasks.Mask> painted = masks.of(p.id, split);
        if (painted.isEmpty()) {
            if (inRound) {
                return;
            }
            throw new Invalid("No shortcut marks to train with", "No row of the " + split.value() + " split of project '"
                    + p.name + "' has features marked as a shortcut: mark them while reviewing, or train with feedback none");
        }
        if (markedFeatures(painted, features).isEmpty()) {
            throw new Invalid("Marks name no feature of the model", "The shortcut marks on " + painted.size()
                    + (painted.size() == 1 ? " row" : " rows") + " of the " + split.value() + " split of project '"
                    + p.name + "' name none of the features the platform's MLP takes ("
                    + String.join(", ", features.subList(0, Math.min(10, features.size())))
                    + (features.size() > 10 ? ", …" : "") + "): mark features of these columns, or train with feedback none");
        }
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
        JobProgress job = new JobProgress(jobId, 1 + controls, r.epochs());
        for (int i = 0; i < controls; i++) {
            TrainingRequest c = r.control(i);
            int done = 1 + i;
            ModelTrainer.Result result = ModelTrainer.train(spec, train, c, before, device.device(),
                    progress -> job.at(done, progress));
            try (TrainedCnnModel m = TrainedCnnModel.load(spec, result.parameters(), device.device())) {
                accuracies.add(ModelTrainer.accuracy(m, test));
            }
            seeds.add(c.seed());
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
        return new Feedback(mode, r.lambda() == null ? Feedback.DEFAULT_LAMBDA : r.lambda(), TrainingRequest.FEEDBACK_PER_BATCH,
                examples);
    }

    /** How many non-empty shortcut masks of the experts a training on this split would use as feedback. */
    public int feedbackMasks(long projectId, Split split) {
        return masks.count(projectId, split);
    }

    /** The model a round retrains, as the new version's parent. */
    Long parentOf(TrainingRequest r) {
        return r.roundId() == null ? null : store.retrainedBy(r.roundId()).orElse(null);
    }

    /**
     * A training job's progress as its runs (the training, then its controls) report it: at most one
     * write every two seconds, and each finished epoch's figures of the training, so that the job
     * can be followed epoch by epoch.
     */
    private final class JobProgress implements ModelTrainer.EpochListener {
        private final long jobId;
        private final int runs;
        private final int epochs;
        private final List<Double> loss = new ArrayList<>();
        private final List<Double> accuracy = new ArrayList<>();
        private long lastWrite;

        JobProgress(long jobId, int runs, int epochs) {
            this.jobId = jobId;
            this.runs = runs;
            this.epochs = epochs;
        }

        /** Run {@code done} (0 the training, 1… its controls) is {@code fraction} through. */
        void at(int done, double fraction) {
            if (System.nanoTime() - lastWrite > 2_000_000_000L) {
                lastWrite = System.nanoTime();
                update(jobId, (done + fraction) / runs, null);
            }
        }

        @Override
        public void epochDone(int epoch, double epochLoss, double epochAccuracy) {
            loss.add(epochLoss);
            accuracy.add(epochAccuracy);
            Map<String, Object> sofar = new LinkedHashMap<>();
            sofar.put("epoch", epoch);
            sofar.put("epochs", epochs);
            sofar.put("epochLoss", loss);
            sofar.put("epochAccuracy", accuracy);
            update(jobId, epoch / (double) epochs / runs, json(sofar));
        }
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
