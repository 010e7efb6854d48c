package org.rationale.model;

import com.sun.management.OperatingSystemMXBean;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import org.jboss.logging.Logger;
import org.rationale.config.Json;
import org.rationale.config.RationaleConfig;
import org.rationale.error.Invalid;
import org.rationale.error.NotFound;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import ai.djl.Device;
import org.rationale.dataset.DatasetService;
import org.rationale.error.DomainError;
import org.rationale.error.Unprocessable;
import org.rationale.explain.TabularInput;
import org.rationale.project.Modality;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import io.quarkus.narayana.jta.runtime.TransactionConfiguration;
import jakarta.transaction.Transactional;
import org.rationale.audit.AuditLog;
import org.rationale.project.Project;
import org.rationale.project.ProjectService;
import org.rationale.project.ProjectStore;
import org.rationale.explain.InputBatch;
import org.rationale.web.JsonText;

import java.lang.management.ManagementFactory;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * The model registry: checks an uploaded TorchScript model by running it before anything is stored,
 * keeps versions and their files, and hands out loaded models (a cache bounded in bytes, see {@link Lease}).
 */
@ApplicationScoped
public class ModelService {

    private static final Logger LOG = Logger.getLogger(ModelService.class);
    static final ObjectMapper JSON = Json.builder().addModule(JsonText.module()).build();
    /**
     * Reads specs the platform stored itself, without refusing control characters: a trained MLP's
     * spec names one-hot columns after categories, and a CSV cell (so a category) may hold a line break.
     */
    private static final ObjectMapper STORED_JSON = Json.builder().build();
    /** Versions and parsed specs kept for workers, most recently used first. */
    private static final int VERSIONS = 1_000;
    /** The least default budget of the model cache. */
    private static final long LEAST_CACHE_BYTES = 256L << 20;

    private final ModelStore store;
    private final ProjectService projects;
    private final ProjectStore projectStore;
    private final ModelCache<BlockModel> loaded;
    private final ComputeDevice device;
    private final DatasetService datasets;

    @Inject
    AuditLog audit;

    ModelService(ModelStore store, ProjectService projects, ProjectStore projectStore, ComputeDevice device,
                 RationaleConfig settings, DatasetService datasets) {
        this.store = store;
        this.datasets = datasets;
        this.projects = projects;
        this.projectStore = projectStore;
        this.device = device;
        this.loaded = new ModelCache<>(cacheBudget(settings.models().cacheBytes(), processMemory()),
                BlockModel::parameterBytes);
    }

    /** Made at the start, so that a bad {@code rationale.models.cache-bytes} stops it with words. */
    void onStart(@Observes StartupEvent event) {
        LOG.infof("Model cache: up to %d MB of parameters", loaded.budget() >> 20);
    }

    /**
     * The model cache's budget in bytes: {@code rationale.models.cache-bytes}, a size such as
     * {@code 512M} or {@code 4G}, from 0 (no model kept loaded) to the memory this process may use;
     * when absent an eighth of that memory, at least 256 MB. An eighth of 16 GB holds about 45
     * ResNet-18s (about 45 MB of parameters each, twice that with the features/classifier parts).
     *
     * @param memory the bytes this process may use (the machine's, or its container's limit)
     * @throws IllegalStateException naming the setting, its value and what it must be
     */
    static long cacheBudget(Optional<String> setting, long memory) {
        if (setting.isEmpty()) {
            return Math.max(LEAST_CACHE_BYTES, memory / 8);
        }
        BigInteger bytes;
        try {
            MemorySize size = new MemorySizeConverter().convert(setting.get().strip());
            bytes = size == null ? null : size.asBigInteger();
        } catch (IllegalArgumentException e) {
            bytes = null;
        }
        if (bytes == null || bytes.signum() < 0 || bytes.compareTo(BigInteger.valueOf(memory)) > 0) {
            throw new IllegalStateException("rationale.models.cache-bytes is '" + setting.get() + "'; it must be a size "
                    + "in bytes such as 512M or 4G (K, M, G, T: powers of 1,024), from 0 (no model kept loaded) to the "
                    + "memory this process may use, " + (memory >> 20) + " MB");
        }
        return bytes.longValueExact();
    }

    /** The bytes of memory this process may use: the machine's, or its container's limit. */
    static long processMemory() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
    }

    /** Parses a spec sent by a client; malformed JSON and invalid fields are a 400. */
    public static InputSpec parseSpec(String json) {
        if (json == null || json.isBlank()) {
            throw new Invalid("Missing model spec", "Send the form field 'spec' with the model's input spec as JSON");
        }
        try {
            JsonNode tree = JSON.readTree(json);
            if (tree != null && tree.isObject() && tree.has("features")) {
                throw new Invalid("Invalid model spec", "features belongs to a tabular model's spec, but this project "
                        + "holds images: send name, channels, height, width, scale, mean and std (one per channel) "
                        + "and classes");
            }
            return JSON.readValue(json, InputSpec.class).validated();
        } catch (JsonProcessingException e) {
            throw new Invalid("Invalid model spec", e.getOriginalMessage());
        }
    }

    /**
     * Checks the files by loading them and running a batch of two black images, then stores a new
     * version. The check (a large model: seconds to minutes on a busy host) runs outside any
     * transaction, holding no connection; the version is stored after it in one short transaction.
     * Nothing is stored when a check fails.
     *
     * @throws IllegalStateException when called inside a transaction (the check would hold it)
     */
    public ModelVersion upload(long projectId, InputSpec spec, byte[] model, byte[] features, byte[] classifier) {
        if ((features == null) != (classifier == null)) {
            throw new Invalid("Incomplete model split", "Send both 'features' and 'classifier', or neither");
        }
        if (QuarkusTransaction.isActive()) {
            throw new IllegalStateException("the upload check runs a model for seconds and must not hold a "
                    + "transaction: upload outside one");
        }
        Project project = projects.find(projectId).orElseThrow(() -> NotFound.of("Project " + projectId));
        if (project.modality == Modality.TABULAR) {
            throw new Invalid("Invalid model spec", "Project '" + project.name + "' holds table rows: send a "
                    + "tabular spec (name, features, classes, mean, std), not an image model's");
        }
        checkClasses(project, spec);
        try (TorchScriptModel m = TorchScriptModel.load(spec, model, features, classifier)) {
            check(m, spec);
        }
        return storeUploaded(projectId, spec, model, features, classifier);
    }

    /**
     * Stores a checked upload as the project's new current version, numbered under the project's lock;
     * a ResNet-sized upload writes about 90 MB, which on a loaded host outlasts the default 60 s timeout.
     */
    @Transactional
    @TransactionConfiguration(timeout = 600)
    ModelVersion storeUploaded(long projectId, InputSpec spec, byte[] model, byte[] features, byte[] classifier) {
        // versions of one project are numbered one at a time; its classes may have changed during the check
        checkClasses(projects.lock(projectId), spec);
        ModelVersion v = new ModelVersion();
        v.projectId = projectId;
        v.name = spec.name();
        v.version = nextVersion(projectId, spec.name());
        v.kind = "torchscript";
        v.origin = "uploaded";
        v.supportsCam = features != null;
        try {
            v.spec = JSON.writeValueAsString(spec);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        Map<String, byte[]> parts = new LinkedHashMap<>();
        parts.put("model", model);
        if (features != null) {
            parts.put("features", features);
            parts.put("classifier", classifier);
        }
        store(v, parts);
        projectStore.setCurrentModel(projectId, v.id);
        return v;
    }

    /**
     * Checks a tabular model and stores it as a new version of a tabular project: the spec's classes
     * against the project's, its features against the project's table columns, then the model by
     * running it on rows of the spec's width (outside any transaction: a forward pass must not hold
     * a connection); its reference rows are read from the training split before the project is locked
     * (up to {@value #MEAN_ROWS} rows), and the version is stored in one short transaction. Nothing is
     * stored when a check fails. The model is told apart from an image model by its stored spec, which lists
     * {@code features} (see {@link #uploadedSpecOf}); the project's modality says which spec an
     * upload sends.
     */
    public ModelVersion uploadTabular(long projectId, TabularSpec spec, byte[] model) {
        if (QuarkusTransaction.isActive()) {
            throw new IllegalStateException("the upload check runs a model and must not hold a transaction: upload "
                    + "outside one");
        }
        Project project = projects.find(projectId).orElseThrow(() -> NotFound.of("Project " + projectId));
        if (project.modality != Modality.TABULAR) {
            throw new Invalid("Invalid model spec", "Project '" + project.name + "' holds images: send an image "
                    + "model's spec (name, channels, height, width, scale, mean, std, classes), not a tabular one");
        }
        checkClasses(project, spec);
        TableEncoding encoding = TableEncoding.of(spec, datasets.tableColumns(projectId), project.name);
        int f = encoding.width();
        TabularInput layout = encoding.withReference(new float[f], new float[][] {new float[f]});
        try (TorchScriptModel m = TorchScriptModel.loadTabular(spec.asInput(), model, Device.cpu(), () -> layout)) {
            checkTabular(m, spec);
        }
        byte[] reference = referenceBytes(drawn(encoding, projectId, null));
        return QuarkusTransaction.requiringNew().timeout(600).call(() -> {
            // versions of one project are numbered one at a time; its classes may have changed during the check
            checkClasses(projects.lock(projectId), spec);
            ModelVersion v = new ModelVersion();
            v.projectId = projectId;
            v.name = spec.name();
            v.version = nextVersion(projectId, spec.name());
            v.kind = "torchscript";
            v.origin = "uploaded";
            v.supportsCam = false;
            v.spec = JSON.writeValueAsString(spec);
            store(v, Map.of("model", model, REFERENCE_PART, reference));
            projectStore.setCurrentModel(projectId, v.id);
            return v;
        });
    }

    /** Rows the tabular upload check runs one by one and as a batch. */
    private static final int CHECK_ROWS = 3;

    /**
     * Runs a tabular model on rows of the spec's width: the mean row (all 0) and a seeded spread;
     * refuses, saying what the model answered, one that does not take N×F, answers another shape
     * than N×classes, answers non-finite values, answers differently for the same rows, or answers
     * a row differently alone than in a batch.
     */
    private static void checkTabular(TorchScriptModel m, TabularSpec spec) {
        int f = spec.features().size();
        int k = spec.classes().size();
        float[] rows = new float[CHECK_ROWS * f];
        Random random = new Random(15);
        for (int i = f; i < rows.length; i++) {
            rows[i] = (float) random.nextGaussian();
        }
        InputBatch x = new InputBatch(CHECK_ROWS, 1, 1, f, rows);
        long[] shape = new long[8];
        float[] out;
        try {
            out = m.rawOutput(x, shape);
        } catch (ModelException e) {
            throw new ModelException(e.detail() + ". The spec lists " + f + " features: the model must take N×" + f
                    + " float32, one standardised row of the spec's features each", e);
        }
        if (shape[0] != CHECK_ROWS || shape[1] != k || shape[2] != -1) {
            throw new ModelException("For a batch of " + CHECK_ROWS + " rows the model returns " + shapeText(shape)
                    + "; the spec's " + k + " classes need (" + CHECK_ROWS + ", " + k + ")");
        }
        for (int i = 0; i < out.length; i++) {
            if (!Float.isFinite(out[i])) {
                throw new ModelException("The model returns " + out[i] + " for class '" + spec.classes().get(i % k)
                        + "' on " + (i < k ? "the mean row (every feature at the spec's mean)" : "a row of the check")
                        + ": its outputs must be finite logits");
            }
        }
        float[] again = m.rawOutput(x, new long[8]);
        for (int i = 0; i < out.length; i++) {
            if (Math.abs(again[i] - out[i]) > 1e-5 * Math.max(1, Math.abs(out[i]))) {
                throw new ModelException("The model gives different outputs for the same rows (dropout or batch "
                        + "statistics active): trace it with torch.jit.trace after model.eval()");
            }
        }
        for (int i = 0; i < CHECK_ROWS; i++) {
            float[] alone = m.rawOutput(x.sample(i), new long[8]);
            for (int j = 0; j < k && j < alone.length; j++) {
                float t = out[i * k + j];
                if (Math.abs(alone[j] - t) > 1e-3 * Math.max(1, Math.abs(t))) {
                    throw new ModelException(String.format(Locale.ROOT, "The model's outputs depend on the other "
                                    + "rows in the batch (row %d, class '%s': %.4f alone, %.4f in a batch of %d): %s",
                            i + 1, spec.classes().get(j), alone[j], t, CHECK_ROWS, TRAIN_MODE));
                }
            }
        }
    }

    private static String shapeText(long[] shape) {
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < shape.length && shape[i] >= 0; i++) {
            s.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return s.append(')').toString();
    }

    /**
     * Stores a model the platform trained ({@link SmallCnn} parameters) as a new version; when the
     * training job already stored one (a retry after a crash), that one is returned instead. It
     * becomes the project's current version when {@code current} says so (a feedback round's
     * version waits for its verdict instead).
     */
    @Transactional
    public ModelVersion storeTrained(long projectId, InputSpec spec, byte[] parameters, String trainingJson, Long parentId,
                                     Long trainingJobId, boolean current) {
        return storeTrained(projectId, spec, SmallCnn.ARCHITECTURE, true, Map.of("parameters", parameters), trainingJson,
                parentId, trainingJobId, current);
    }

    /**
     * Stores a tabular MLP the platform trained ({@link TabularMlp} parameters) as a new version, with
     * the version it retrained as parent (null: none), and the project's current one only when
     * {@code current} (a round's version waits for its verdict); when the training job already stored
     * one (a retry after a crash), that one is returned instead. Its reference rows are the ones the
     * trainer passes, taken from the rows it trained on ({@link #referenceOfRows(TableEncoding, float[], int)}),
     * so storing reads no rows.
     */
    @Transactional
    public ModelVersion storeTrainedTabular(long projectId, TabularSpec spec, byte[] parameters, TabularInput reference,
                                            String trainingJson, Long parentId, Long trainingJobId, boolean current) {
        return storeTrained(projectId, spec, TabularMlp.ARCHITECTURE, false, Map.of("parameters", parameters,
                REFERENCE_PART, referenceBytes(reference)), trainingJson, parentId, trainingJobId, current);
    }

    /** What both kinds of trained version store: one version per training job, numbered under the project's lock. */
    private ModelVersion storeTrained(long projectId, ModelSpec spec, String kind, boolean supportsCam,
                                      Map<String, byte[]> parts, String trainingJson, Long parentId, Long trainingJobId,
                                      boolean current) {
        projects.lock(projectId);
        if (trainingJobId != null) {
            var existing = store.byTrainingJob(trainingJobId);
            if (existing.isPresent()) {
                return existing.get();
            }
        }
        ModelVersion v = new ModelVersion();
        v.trainingJobId = trainingJobId;
        v.projectId = projectId;
        v.name = spec.name();
        v.version = nextVersion(projectId, spec.name());
        v.kind = kind;
        v.origin = "trained";
        v.supportsCam = supportsCam;
        v.training = trainingJson;
        v.parentId = parentId;
        try {
            v.spec = JSON.writeValueAsString(spec);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        store(v, parts);
        if (current) {
            projectStore.setCurrentModel(projectId, v.id);
        }
        return v;
    }

    /** The next version number of a model name in a project; callers hold the project lock. */
    private int nextVersion(long projectId, String name) {
        return store.lastVersion(projectId, name) + 1;
    }

    private void store(ModelVersion v, Map<String, byte[]> parts) {
        StringBuilder hashes = new StringBuilder();
        List<ModelStore.Artifact> artifacts = new ArrayList<>();
        Map<String, String> partHashes = new LinkedHashMap<>();
        for (var e : parts.entrySet()) {
            String hash = sha256(e.getValue());
            if (!e.getKey().equals(REFERENCE_PART)) {
                // the version's hash is the model's: its reference rows are data about the project, audited by their own hash
                hashes.append(hash);
            }
            artifacts.add(new ModelStore.Artifact(e.getKey(), hash, e.getValue()));
            partHashes.put(e.getKey(), hash);
        }
        v.sha256 = sha256(hashes.toString().getBytes(StandardCharsets.US_ASCII));
        store.insert(v, artifacts);
        try {
            audit.record(v.origin.equals("trained") ? "model.trained" : "model.upload", "model:" + v.id, v.projectId,
                    AuditLog.details("name", v.name, "version", v.version, "kind", v.kind,
                            "origin", v.origin, "sha256", v.sha256, "parts", partHashes, "parentId", v.parentId,
                            "trainingJobId", v.trainingJobId, "spec", JSON.readTree(v.spec),
                            "training", v.training == null ? null : JSON.readTree(v.training)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The model's class i must be the project's class i, or its predictions would name the wrong
     * classes: the spec lists the project's classes in order (and may go on with classes the
     * project has no samples of yet). A project without classes yet takes any.
     */
    static void checkClasses(Project project, ModelSpec spec) {
        List<String> theirs = project.classNames;
        List<String> ours = spec.classes();
        if (ours.size() < theirs.size() || !ours.subList(0, theirs.size()).equals(theirs)) {
            throw new Invalid("Class names differ from the project's",
                    "The spec's classes are " + ours + " but project '" + project.name + "' has " + theirs
                            + ": list the project's classes in the order of the model's outputs");
        }
    }

    /** Distinct images the upload check runs one by one and as a batch. */
    private static final int DISTINCT = 3;

    /**
     * Runs the model on distinct random images one at a time and as one batch; a model whose
     * outputs depend on the batch (BatchNorm on batch statistics: traced in train mode) is refused.
     */
    private static void checkBatchIndependence(TorchScriptModel m, InputSpec spec) {
        int size = spec.channels() * spec.height() * spec.width();
        int hw = spec.height() * spec.width();
        float[] images = new float[DISTINCT * size];
        Random random = new Random(15);
        for (int i = 0; i < DISTINCT; i++) {
            for (int c = 0; c < spec.channels(); c++) {
                for (int p = 0; p < hw; p++) {
                    images[i * size + c * hw + p] = spec.normalise(c, random.nextInt(256));
                }
            }
        }
        InputBatch batch = new InputBatch(DISTINCT, spec.channels(), spec.height(), spec.width(), images);
        float[] together = m.rawOutput(batch, new long[8]);
        int k = spec.classes().size();
        for (int i = 0; i < DISTINCT; i++) {
            float[] alone;
            try {
                alone = m.rawOutput(batch.with(1, Arrays.copyOfRange(images, i * size, (i + 1) * size)), new long[8]);
            } catch (ModelException e) {
                throw new ModelException("The model fails on a single image (" + e.detail() + "): " + TRAIN_MODE, e);
            }
            for (int j = 0; j < k && j < alone.length; j++) {
                float t = together[i * k + j];
                if (Math.abs(alone[j] - t) > 1e-3 * Math.max(1, Math.abs(t))) {
                    throw new ModelException(String.format(Locale.ROOT, "The model's outputs depend on the other "
                            + "images in the batch (image %d, class '%s': %.4f alone, %.4f in a batch of %d): %s",
                            i + 1, spec.classes().get(j), alone[j], t, DISTINCT, TRAIN_MODE));
                }
            }
        }
    }

    private static final String TRAIN_MODE = "it was most likely traced in train mode, where BatchNorm uses the "
            + "batch's statistics; call model.eval() before torch.jit.trace";

    private static void check(TorchScriptModel m, InputSpec spec) {
        float[] black = new float[2 * spec.channels() * spec.height() * spec.width()];
        int hw = spec.height() * spec.width();
        for (int i = 0; i < 2; i++) {
            for (int c = 0; c < spec.channels(); c++) {
                Arrays.fill(black, (i * spec.channels() + c) * hw, (i * spec.channels() + c + 1) * hw,
                        spec.normalise(c, 0));
            }
        }
        InputBatch x = new InputBatch(2, spec.channels(), spec.height(), spec.width(), black);
        long[] shape = new long[8];
        float[] out = m.rawOutput(x, shape);
        int classes = spec.classes().size();
        if (shape[0] != 2 || shape[1] != classes || shape[2] != -1) {
            StringBuilder s = new StringBuilder("(");
            for (int i = 0; i < shape.length && shape[i] >= 0; i++) {
                s.append(i == 0 ? "" : ", ").append(shape[i]);
            }
            throw new ModelException("For a batch of 2 the model returns " + s + "); the spec's " + classes
                    + " classes need (2, " + classes + ")");
        }
        for (float f : out) {
            if (!Float.isFinite(f)) {
                throw new ModelException("The model returns non-finite values on black images");
            }
        }
        float[] again = m.rawOutput(x, new long[8]);
        for (int i = 0; i < out.length; i++) {
            if (Math.abs(again[i] - out[i]) > 1e-5 * Math.max(1, Math.abs(out[i]))) {
                throw new ModelException("The model gives different outputs for the same input (dropout or batch "
                        + "statistics active): trace it with torch.jit.trace after model.eval()");
            }
        }
        checkBatchIndependence(m, spec);
        if (m.supportsCam()) {
            float[] split = m.camGradient(x, new int[] {0, 0}).logits();
            for (int i = 0; i < out.length; i++) {
                if (Math.abs(split[i] - out[i]) > 1e-4 * Math.max(1, Math.abs(out[i]))) {
                    throw new ModelException("classifier(features(x)) differs from model(x) (" + split[i] + " vs "
                            + out[i] + "): the two parts must be the same network as the whole model");
                }
            }
        }
    }

    /** The versions of a project, oldest first. */
    public List<ModelVersion> list(long projectId) {
        return store.list(projectId);
    }

    /** The project's latest version: the one stored last. */
    public Optional<ModelVersion> latest(long projectId) {
        return store.latest(projectId);
    }

    public Optional<ModelVersion> find(long id) {
        return store.find(id);
    }

    /**
     * The project's current version: the one reviewed, ranked and reported by default. A new upload
     * or training outside a round becomes current; a round's version only when it is not worse than
     * its parent; an engineer may choose any version ({@link #choose}). Falls back to the latest
     * version when none was chosen (or the chosen one was deleted).
     */
    @Transactional
    public Optional<ModelVersion> current(long projectId) {
        Optional<ModelVersion> chosen = projectStore.currentModelId(projectId).flatMap(store::find)
                .filter(v -> v.projectId == projectId);
        return chosen.isPresent() ? chosen : store.latest(projectId);
    }

    /**
     * Makes a version the project's current one, recorded in the audit trail with who chose it and
     * why; a version of another project, or none, is a 400 and changes nothing.
     */
    @Transactional
    public ModelVersion choose(long projectId, Long modelId, String actor, String reason) {
        if (modelId == null) {
            throw new Invalid("Missing modelId", "Send {\"modelId\": n} naming a version of project " + projectId);
        }
        ModelVersion v = store.find(modelId).filter(m -> m.projectId == projectId)
                .orElseThrow(() -> new Invalid("Not a model of this project", "Model " + modelId
                        + " is not a version of project " + projectId + "; choose one of GET /api/projects/"
                        + projectId + "/models"));
        projects.lock(projectId);
        Optional<ModelVersion> before = current(projectId);
        projectStore.setCurrentModel(projectId, v.id);
        audit.record(actor, "model.current", "model:" + v.id, projectId, AuditLog.details("modelId", v.id,
                "version", v.version, "name", v.name, "previousModelId", before.map(b -> b.id).orElse(null),
                "previousVersion", before.map(b -> b.version).orElse(null), "reason", reason));
        return v;
    }

    private final Map<Long, ModelVersion> versions = Collections.synchronizedMap(lru(VERSIONS));
    private final Map<Long, InputSpec> specs = Collections.synchronizedMap(lru(VERSIONS));

    /** A map that forgets its least recently used entry beyond {@code most} entries. */
    private static <V> Map<Long, V> lru(int most) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, V> eldest) {
                return size() > most;
            }
        };
    }

    /**
     * A version for computing, from a cache: a stored version never changes (a new one is stored
     * instead), so workers need not read it again for every batch. Callers must not modify it.
     */
    public Optional<ModelVersion> version(long id) {
        ModelVersion v = versions.get(id);
        if (v == null) {
            v = store.find(id).orElse(null);
            if (v != null) {
                versions.put(id, v);
            }
        }
        return Optional.ofNullable(v);
    }

    /** The input spec of a version, parsed once. */
    public InputSpec spec(ModelVersion v) {
        InputSpec s = specs.get(v.id);
        if (s == null) {
            s = specOf(v);
            specs.put(v.id, s);
        }
        return s;
    }

    /** Accuracy by split recorded when the platform trained the version; empty for uploads. */
    @SuppressWarnings("unchecked")
    public static Map<String, Double> trainingAccuracy(ModelVersion v) {
        if (v.training == null) {
            return Map.of();
        }
        try {
            Map<String, Object> t = JSON.readValue(v.training, Map.class);
            Object a = t.get("accuracy");
            if (!(a instanceof Map<?, ?> m)) {
                return Map.of();
            }
            Map<String, Double> out = new LinkedHashMap<>();
            m.forEach((k, val) -> out.put(String.valueOf(k), ((Number) val).doubleValue()));
            return out;
        } catch (JsonProcessingException e) {
            return Map.of();
        }
    }

    /**
     * The request the platform trained a version with (defaults filled), if it trained it and the
     * stored request is readable; empty for an uploaded version.
     */
    public static Optional<TrainingRequest> trainedWith(ModelVersion v) {
        if (v.training == null) {
            return Optional.empty();
        }
        try {
            JsonNode request = JSON.readTree(v.training).get("request");
            return request == null || !request.isObject() ? Optional.empty()
                    : Optional.of(JSON.treeToValue(request, TrainingRequest.class).validated());
        } catch (JsonProcessingException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether the version was trained with the experts' masks as a "right for the right reasons"
     * penalty on its input gradients (feedback {@code rrr} or {@code both}, at least one mask): its
     * gradient maps may have learnt to hide what it still relies on (gradient masking).
     */
    @SuppressWarnings("unchecked")
    public static boolean trainedWithGradientPenalty(ModelVersion v) {
        if (v.training == null) {
            return false;
        }
        try {
            Map<String, Object> t = JSON.readValue(v.training, Map.class);
            if (!(t.get("feedback") instanceof Map<?, ?> f)) {
                return false;
            }
            Object mode = f.get("mode");
            boolean penalty = Feedback.Mode.RRR.value().equals(mode) || Feedback.Mode.BOTH.value().equals(mode);
            return penalty && f.get("masks") instanceof Number n && n.intValue() > 0;
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    /** The input grid of a version: an image model's spec, or a tabular model's as 1×1×F ({@link TabularSpec#asInput}). */
    public static InputSpec specOf(ModelVersion v) {
        ModelSpec s = uploadedSpecOf(v);
        return s instanceof TabularSpec t ? t.asInput() : (InputSpec) s;
    }

    /**
     * The spec of a version as uploaded (or trained): a {@link TabularSpec} when the stored spec lists
     * {@code features}, else an {@link InputSpec}.
     */
    public static ModelSpec uploadedSpecOf(ModelVersion v) {
        try {
            JsonNode tree = STORED_JSON.readTree(v.spec);
            return tree.has("features") ? STORED_JSON.treeToValue(tree, TabularSpec.class)
                    : STORED_JSON.treeToValue(tree, InputSpec.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored spec of model " + v.id + " is unreadable", e);
        }
    }

    /** Whether a version is a tabular model (its spec lists features). */
    public static boolean isTabular(ModelVersion v) {
        return uploadedSpecOf(v) instanceof TabularSpec;
    }

    private final Map<Long, Optional<TableEncoding>> encodings = Collections.synchronizedMap(lru(VERSIONS));

    /**
     * How a tabular version reads its project's rows (cached per version); empty for an image
     * model. A version whose features no longer resolve against the project's columns is a 422.
     */
    public Optional<TableEncoding> tableEncoding(ModelVersion v) {
        Optional<TableEncoding> known = v.id == null ? null : encodings.get(v.id);
        if (known != null) {
            return known;
        }
        if (!(uploadedSpecOf(v) instanceof TabularSpec t)) {
            if (v.id != null) {
                encodings.put(v.id, Optional.empty());
            }
            return Optional.empty();
        }
        TableEncoding e;
        String project = projects.find(v.projectId).map(p -> p.name).orElse("#" + v.projectId);
        try {
            e = TableEncoding.of(t, datasets.tableColumns(v.projectId), project);
        } catch (Invalid problem) {
            throw new Unprocessable("Model does not fit the project's tables", v.label() + ": " + problem.detail(),
                    problem);
        }
        if (v.id != null) {
            encodings.put(v.id, Optional.of(e));
        }
        return Optional.of(e);
    }

    /** Training rows the mean row of a tabular model is taken over, at most (a seeded draw beyond that). */
    static final int MEAN_ROWS = 10_000;
    /** Encoded training rows a tabular model keeps as reference rows (baseline {@code sample}). */
    static final int REFERENCE_ROWS = 100;
    /** Rows read in one query. */
    private static final int ROWS_PER_READ = 1_000;

    /** The artifact of a tabular version that holds its mean row and reference rows. */
    static final String REFERENCE_PART = "reference";

    /**
     * The feature groups of a tabular version with its reference rows (the mean row of baseline
     * {@code mean}, the rows of baseline {@code sample}). They are fixed when the version is stored
     * (an upload: drawn from the training split; a trained version: from the rows it was trained on)
     * and kept with it as its {@value #REFERENCE_PART} artifact (read alone, without the model), so they are a
     * function of the version alone: a training table added to the project later changes nothing,
     * and a server and a fresh worker compute the same map under one key (model, method, parameters,
     * sample, target). A version stored before reference rows were kept takes them from the
     * training tables imported no later than the version was created (the same on every process,
     * whatever is imported afterwards).
     */
    public TabularInput tabularInput(ModelVersion v) {
        TableEncoding e = tableEncoding(v).orElseThrow(() -> new IllegalArgumentException(v.label() + " is not tabular"));
        byte[] kept = v.id == null ? null : store.artifact(v.id, REFERENCE_PART).orElse(null);
        if (kept != null) {
            TabularInput stored = referenceOf(e, kept);
            if (stored != null) {
                return stored;
            }
        }
        return drawn(e, v.projectId, v.createdAt);
    }

    /**
     * The mean of the encoded, standardised training rows of a project (all of them up to
     * {@value #MEAN_ROWS}, else a seeded draw of that many; zeros when there are none) and the first
     * {@value #REFERENCE_ROWS} rows of the same seeded draw (one row of zeros when there are none),
     * over the training tables imported up to {@code importedUpTo} (null: all). A row that cannot be
     * encoded is left out.
     */
    TabularInput drawn(TableEncoding e, long projectId, OffsetDateTime importedUpTo) {
        int f = e.width();
        List<Long> ids = datasets.drawnTrainingSamples(projectId, 0, MEAN_ROWS, importedUpTo);
        double[] sum = new double[f];
        int n = 0;
        List<float[]> reference = new ArrayList<>();
        for (int start = 0; start < ids.size(); start += ROWS_PER_READ) {
            List<Long> chunk = ids.subList(start, Math.min(ids.size(), start + ROWS_PER_READ));
            Map<Long, Map<String, Object>> rows = datasets.rows(chunk);
            for (Long id : chunk) {
                Map<String, Object> row = rows.get(id);
                if (row == null) {
                    continue;
                }
                float[] x;
                try {
                    x = e.encode(id, row);
                } catch (DomainError unreadable) {
                    continue;
                }
                for (int i = 0; i < f; i++) {
                    sum[i] += x[i];
                }
                n++;
                if (reference.size() < REFERENCE_ROWS) {
                    reference.add(x);
                }
            }
        }
        float[] mean = new float[f];
        for (int i = 0; n > 0 && i < f; i++) {
            mean[i] = (float) (sum[i] / n);
        }
        return e.withReference(mean, reference.isEmpty() ? new float[][] {new float[f]}
                : reference.toArray(new float[0][]));
    }

    /** Seed of the draw of reference rows from the rows a model was trained on. */
    private static final long REFERENCE_SEED = 0;

    /**
     * The reference of a version trained on these encoded, standardised rows ({@code n} × F,
     * row-major): the mean of all of them, and {@value #REFERENCE_ROWS} of them in a seeded draw
     * (all when fewer; one row of zeros when there are none).
     */
    static TabularInput referenceOfRows(TableEncoding e, float[] x, int n) {
        int f = e.width();
        double[] sum = new double[f];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < f; c++) {
                sum[c] += x[i * f + c];
            }
        }
        float[] mean = new float[f];
        for (int c = 0; n > 0 && c < f; c++) {
            mean[c] = (float) (sum[c] / n);
        }
        int k = Math.min(n, REFERENCE_ROWS);
        if (k == 0) {
            return e.withReference(mean, new float[][] {new float[f]});
        }
        // the first k places of a seeded Fisher-Yates shuffle of the row indices
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Random random = new Random(REFERENCE_SEED);
        float[][] rows = new float[k][];
        for (int i = 0; i < k; i++) {
            int j = i + random.nextInt(n - i);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
            rows[i] = Arrays.copyOfRange(x, order[i] * f, order[i] * f + f);
        }
        return e.withReference(mean, rows);
    }

    /** A version's reference as stored: width F, rows N, the mean row, then the N rows (floats, little-endian). */
    static byte[] referenceBytes(TabularInput t) {
        int f = t.mean().length;
        int n = t.referenceRows().length;
        ByteBuffer b = ByteBuffer.allocate(8 + 4 * f * (n + 1)).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(f).putInt(n);
        for (float x : t.mean()) {
            b.putFloat(x);
        }
        for (float[] row : t.referenceRows()) {
            for (float x : row) {
                b.putFloat(x);
            }
        }
        return b.array();
    }

    /** The stored reference read back onto the version's layout; null when it does not fit its width. */
    private static TabularInput referenceOf(TableEncoding e, byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int f = b.getInt();
        int n = b.getInt();
        if (f != e.width() || n < 1 || bytes.length != 8 + 4L * f * (n + 1)) {
            return null;
        }
        float[] mean = new float[f];
        for (int i = 0; i < f; i++) {
            mean[i] = b.getFloat();
        }
        float[][] rows = new float[n][f];
        for (float[] row : rows) {
            for (int i = 0; i < f; i++) {
                row[i] = b.getFloat();
            }
        }
        return e.withReference(mean, rows);
    }

    /**
     * A loaded model lent to one caller until it closes the lease. Models stay cached while they fit
     * the cache's budget in bytes ({@code rationale.models.cache-bytes}); the least recently used
     * are closed first, and a model is closed only when no lease holds it, never under a caller.
     */
    public final class Lease implements AutoCloseable {
        private final BlockModel model;
        private boolean closed;

        private Lease(BlockModel model) {
            this.model = model;
        }

        public BlockModel model() {
            return model;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                loaded.giveBack(model);
            }
        }
    }

    /** Lends the loaded model of a version (loading it when it is not cached). */
    public Lease lease(ModelVersion v) {
        return new Lease(loaded.lend(v.id, id -> fresh(v)));
    }

    /** A newly loaded copy of a version that the caller owns and closes (e.g. to randomise it). */
    public BlockModel fresh(ModelVersion v) {
        Map<String, byte[]> parts = store.artifacts(v.id);
        if (SmallCnn.ARCHITECTURE.equals(v.kind)) {
            return TrainedCnnModel.load(specOf(v), parts.get("parameters"), device.device());
        }
        if (TabularMlp.ARCHITECTURE.equals(v.kind)) {
            return TrainedMlpModel.load(specOf(v), parts.get("parameters"), device.device(), () -> tabularInput(v));
        }
        if (isTabular(v)) {
            return TorchScriptModel.loadTabular(specOf(v), parts.get("model"), device.device(), () -> tabularInput(v));
        }
        return TorchScriptModel.load(specOf(v), parts.get("model"), parts.get("features"), parts.get("classifier"),
                device.device());
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
