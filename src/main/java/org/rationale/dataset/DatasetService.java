package org.rationale.dataset;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;
import org.rationale.audit.AuditLog;
import org.rationale.error.Conflict;
import org.rationale.error.Invalid;
import org.rationale.error.NotFound;
import org.rationale.error.Unprocessable;
import org.rationale.imaging.ImageCodec;
import org.rationale.project.Modality;
import org.rationale.project.Project;
import org.rationale.project.ProjectService;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Owns datasets and samples: imports a {@link SampleSource} in one transaction (all samples or
 * none), and answers the queries of the browser and the API.
 */
@ApplicationScoped
public class DatasetService {

    private static final Logger LOG = Logger.getLogger(DatasetService.class);
    /** Transaction timeout of one import: long enough for millions of images. */
    public static final int IMPORT_TIMEOUT_SECONDS = 3600;
    /** The format of a dataset imported from a CSV file. */
    public static final String CSV = "csv";

    private final SampleStore store;
    private final ProjectService projects;
    private final AuditLog audit;

    DatasetService(SampleStore store, ProjectService projects, AuditLog audit) {
        this.store = store;
        this.projects = projects;
        this.audit = audit;
    }

    /**
     * Imports every sample of {@code source} into a new dataset of the project. Any failure, in the
     * source or in the database, rolls the whole import back. Callers open the transaction with a
     * timeout that fits a large import ({@link #IMPORT_TIMEOUT_SECONDS}).
     *
     * @param givenClassNames names for numeric (IDX) labels, by label; may be empty
     */
    @Transactional
    public Dataset importDataset(long projectId, String name, Split split, String origin, SampleSource source,
                                 List<String> givenClassNames) {
        return importDataset(projectId, name, split, origin, source, givenClassNames, ImportProgress.NONE, null);
    }

    /**
     * As {@link #importDataset(long, String, Split, String, SampleSource, List)}, telling {@code progress}
     * of each sample stored ({@link ImportProgress.Stage#STORING}, of {@link SampleSource#expectedCount()}),
     * and recording {@code actor} in the audit trail (null: the logged-in caller), for imports that
     * run off the request thread.
     */
    @Transactional
    public Dataset importDataset(long projectId, String name, Split split, String origin, SampleSource source,
                                 List<String> givenClassNames, ImportProgress progress, String actor) {
        long t0 = System.nanoTime();
        Project project = projects.lock(projectId);
        requireModality(project, Modality.IMAGES);
        String datasetName = checkName(project, name);
        int[] labelMap;
        List<String> sourceNames = source.classNames();
        if (source.labelKind() == SampleSource.LabelKind.NUMERIC) {
            projects.ensureNumericLabels(project, sourceNames.size() - 1, givenClassNames);
            labelMap = null;
        } else {
            if (!givenClassNames.isEmpty()) {
                throw new Invalid("Class names come from the folders",
                        "Leave classNames out for an image-folder archive");
            }
            labelMap = projects.labelsForNames(project, sourceNames);
        }
        Dataset d = new Dataset();
        d.projectId = project.id;
        d.name = datasetName;
        d.split = split.value();
        d.format = source.format();
        d.origin = origin;
        store.insert(d);

        int count = 0;
        Integer width = null;
        Integer height = null;
        Short channels = null;
        boolean uniform = true;
        MessageDigest content = sha256();
        long expected = source.expectedCount();
        progress.update(ImportProgress.Stage.STORING, 0, expected);
        try (SampleStore.SampleWriter samples = store.writer(d)) {
            while (source.hasNext()) {
                LabelledImage img = source.next();
                int label = labelMap == null ? img.label() : labelMap[img.label()];
                byte[] png = ImageCodec.encodePng(img.width(), img.height(), img.channels(), img.pixels());
                content.update(ByteBuffer.allocate(8).putInt(label).putInt(png.length).array());
                content.update(png);
                samples.add(label, img, png);
                progress.update(ImportProgress.Stage.STORING, count + 1, expected);
                if (++count == 1) {
                    width = img.width();
                    height = img.height();
                    channels = (short) img.channels();
                } else if (uniform && (width != img.width() || height != img.height() || channels != img.channels())) {
                    uniform = false;
                }
            }
            samples.finish();
        }
        if (count == 0) {
            throw new InvalidDatasetException("Empty dataset", "The upload holds no samples");
        }
        d.sampleCount = count;
        if (uniform) {
            d.width = width;
            d.height = height;
            d.channels = channels;
        }
        long t1 = System.nanoTime();
        d.importWarnings = imageLeaks(store.overlapWithOtherSplits(d.id), count, d.split);
        long overlapMs = (System.nanoTime() - t1) / 1_000_000;
        Map<String, ?> details = AuditLog.details(
                "name", d.name, "split", d.split, "format", d.format, "origin", d.origin, "samples", count,
                "width", d.width, "height", d.height, "channels", d.channels, "classNames", sourceNames,
                "contentSha256", HexFormat.of().formatHex(content.digest()), "warnings", d.importWarnings);
        if (actor == null) {
            audit.record("dataset.import", "dataset:" + d.id, project.id, details);
        } else {
            audit.record(actor, "dataset.import", "dataset:" + d.id, project.id, details);
        }
        LOG.infof("Imported %d samples into dataset '%s' of project %d in %d ms (the check for images in other splits "
                + "%d ms)", count, d.name, project.id, (System.nanoTime() - t0) / 1_000_000, overlapMs);
        return d;
    }

    /**
     * Imports the rows of a scanned CSV table ({@link CsvTable#scan}) into a new dataset of a tabular
     * project: its label values become (or join) the project's classes, each row a sample with its
     * values. A second table of the project must have the same feature columns with the same types
     * (in any order; categories may differ). Any failure rolls the whole import back; callers open
     * the transaction with {@link #IMPORT_TIMEOUT_SECONDS}.
     *
     * @param actor who imports, for the audit trail (null: the logged-in caller)
     */
    @Transactional
    public Dataset importTable(long projectId, String name, Split split, String origin, CsvTable table,
                               ImportProgress progress, String actor) {
        long t0 = System.nanoTime();
        Project project = projects.lock(projectId);
        requireModality(project, Modality.TABULAR);
        String datasetName = checkName(project, name);
        requireSameColumns(project, table);
        int[] labels = projects.labelsForNames(project, table.classNames());
        Dataset d = store.insertTable(project.id, datasetName, split, table.rowCount(), origin, table.columns());
        long expected = table.rowCount();
        long[] stored = {0};
        progress.update(ImportProgress.Stage.STORING, 0, expected);
        try (SampleStore.RowWriter rows = store.rowWriter(d)) {
            table.rows(row -> {
                rows.add(labels[row.classIndex()], row.source(), row.values());
                progress.update(ImportProgress.Stage.STORING, ++stored[0], expected);
            });
            rows.finish();
        }
        long t1 = System.nanoTime();
        d.importWarnings = leaks(store.overlapWithOtherSplits(d.id), table.rowCount(), d.split);
        long overlapMs = (System.nanoTime() - t1) / 1_000_000;
        Map<String, ?> details = AuditLog.details(
                "name", d.name, "split", d.split, "format", d.format, "origin", d.origin, "samples", table.rowCount(),
                "columns", table.columns().size(), "labelColumn", table.labelColumn(), "idColumn", table.idColumn(),
                "classNames", table.classNames(), "contentSha256", table.sha256(), "warnings", d.importWarnings);
        if (actor == null) {
            audit.record("dataset.import", "dataset:" + d.id, project.id, details);
        } else {
            audit.record(actor, "dataset.import", "dataset:" + d.id, project.id, details);
        }
        LOG.infof("Imported %d rows of %d columns into dataset '%s' of project %d in %d ms (the check for rows in "
                        + "other splits %d ms)", table.rowCount(), table.columns().size(), d.name, project.id,
                (System.nanoTime() - t0) / 1_000_000, overlapMs);
        return d;
    }

    /**
     * Warnings for rows of a new table found again in another split: a row in training and in test lets the
     * test measure what the model was trained on. Warned, not refused: the person may mean it.
     */
    static List<String> leaks(List<SampleStore.SplitOverlap> overlaps, long rows, String split) {
        List<String> out = new ArrayList<>();
        for (SampleStore.SplitOverlap o : overlaps) {
            String there = "'" + o.dataset() + "' (" + o.split() + ")";
            String why = why(split, o.split());
            if (o.sameId() > 0) {
                out.add(count(o.sameId(), rows) + " an id that " + there + " also has (first: " + o.idExample()
                        + " of this table)" + why);
            }
            if (o.sameValues() > 0) {
                out.add(count(o.sameValues(), rows) + " the feature values of a row of " + there + " (first: "
                        + o.valuesExample() + " of this table; the same case, or chance with few features)" + why);
            }
        }
        return List.copyOf(out);
    }

    /** As {@link #leaks} for images: those equal in every pixel to an image of another split. */
    static List<String> imageLeaks(List<SampleStore.SplitOverlap> overlaps, long images, String split) {
        List<String> out = new ArrayList<>();
        for (SampleStore.SplitOverlap o : overlaps) {
            if (o.sameValues() > 0) {
                out.add(count(o.sameValues(), images, "images", "is", "are") + " identical to an image of '"
                        + o.dataset() + "' (" + o.split() + ") (first: " + o.valuesExample() + " of this set)"
                        + why(split, o.split()));
            }
        }
        return List.copyOf(out);
    }

    private static String why(String split, String other) {
        return Split.TRAIN.value().equals(split) || Split.TRAIN.value().equals(other)
                ? ": a case in both " + split + " and " + other + " lets a model be measured on what it has learnt from"
                : ": a case in both " + split + " and " + other + " is measured twice";
    }

    private static String count(long n, long of) {
        return count(n, of, "rows", "has", "have");
    }

    private static String count(long n, long of, String what, String one, String many) {
        return n == 1 ? "1 of " + of + " " + what + " " + one : n + " of " + of + " " + what + " " + many;
    }

    /** Refuses data of the other modality for a project, naming what to do instead. */
    static void requireModality(Project project, Modality modality) {
        if (project.modality == modality) {
            return;
        }
        if (modality == Modality.IMAGES) {
            throw new Invalid("Project '" + project.name + "' holds table rows",
                    "Import a table (the part 'table', a CSV file) into it, or images into an images project");
        }
        throw new Invalid("Project '" + project.name + "' holds images",
                "Import a table into a tabular project (created with \"modality\": \"tabular\")");
    }

    /**
     * Refuses a table whose feature columns are not those of the project's tables so far (same
     * names and types, in any order), listing what is missing, extra or of another type.
     */
    void requireSameColumns(Project project, CsvTable table) {
        Optional<Dataset> first = store.datasets(project.id).stream().filter(x -> CSV.equals(x.format)).findFirst();
        if (first.isEmpty()) {
            return;
        }
        Map<String, TableColumn.Type> known = new LinkedHashMap<>();
        store.columns(first.get().id).forEach(c -> known.put(c.name(), c.type()));
        Map<String, TableColumn.Type> here = new LinkedHashMap<>();
        table.columns().forEach(c -> here.put(c.name(), c.type()));
        List<String> missing = known.keySet().stream().filter(n -> !here.containsKey(n)).map(n -> "'" + n + "'").toList();
        List<String> extra = here.keySet().stream().filter(n -> !known.containsKey(n)).map(n -> "'" + n + "'").toList();
        List<String> retyped = here.entrySet().stream()
                .filter(e -> known.containsKey(e.getKey()) && known.get(e.getKey()) != e.getValue())
                .map(e -> "'" + e.getKey() + "' is " + typeName(e.getValue()) + " here, "
                        + typeName(known.get(e.getKey())) + " there" + evidence(table, e.getKey(), known.get(e.getKey())))
                .toList();
        if (missing.isEmpty() && extra.isEmpty() && retyped.isEmpty()) {
            return;
        }
        List<String> parts = new ArrayList<>();
        if (!missing.isEmpty()) {
            parts.add("missing here: " + shortList(missing));
        }
        if (!extra.isEmpty()) {
            parts.add("not in '" + first.get().name + "': " + shortList(extra));
        }
        if (!retyped.isEmpty()) {
            parts.add("of another type: " + shortList(retyped));
        }
        throw new InvalidDatasetException("The columns of " + table.fileName() + " differ from the project's",
                "Every table of project '" + project.name + "' has the feature columns of '" + first.get().name
                        + "' (in any order, with the same types); " + String.join("; ", parts));
    }

    /** The cell that keeps a column from the type the project's tables give it, as " (row 7 holds 'x')", or "". */
    private static String evidence(CsvTable table, String column, TableColumn.Type wanted) {
        String cell = table.firstCellNotOf(column, wanted);
        return cell == null ? "" : " (" + cell + ")";
    }

    private static String typeName(TableColumn.Type t) {
        return t.name().toLowerCase(Locale.ROOT);
    }

    private static String shortList(List<String> items) {
        return items.size() <= 20 ? String.join(", ", items)
                : String.join(", ", items.subList(0, 20)) + " and " + (items.size() - 20) + " more";
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private String checkName(Project project, String name) {
        String n = name == null ? "" : name.strip();
        if (n.isEmpty()) {
            throw new Invalid("Dataset name is required", "Give the dataset a non-blank name");
        }
        if (n.length() > 200) {
            throw new Invalid("Dataset name is too long", "At most 200 characters, got " + n.length());
        }
        if (store.datasetNameTaken(project.id, n)) {
            throw new Conflict("Dataset name already taken",
                    "Project '" + project.name + "' already has a dataset named '" + n + "'");
        }
        return n;
    }

    /** Whether the project already has a dataset of this name (blank names are never taken). */
    @Transactional
    public boolean nameTaken(long projectId, String name) {
        return name != null && !name.isBlank() && store.datasetNameTaken(projectId, name.strip());
    }

    public boolean projectMissing(long projectId) {
        return projects.find(projectId).isEmpty();
    }

    public List<Dataset> datasetsOf(long projectId) {
        return store.datasets(projectId);
    }

    /** Sample counts of a project by split, in the order train, validation, test. */
    public Map<String, Long> countsBySplit(long projectId) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (Split s : Split.values()) {
            counts.put(s.value(), 0L);
        }
        counts.putAll(store.sampleCountsBySplit(projectId));
        return counts;
    }

    /** One page of a project's samples, filtered by split and label when given, in import order. */
    @Transactional
    public SamplePage samples(long projectId, Split split, Integer label, int offset, int limit) {
        long total = store.count(projectId, split, label);
        List<Sample> items = total == 0 || offset >= total ? new ArrayList<>()
                : store.page(projectId, split, label, offset, limit);
        return new SamplePage(total, offset, limit, items);
    }

    /** A page of samples and the total that matched. */
    public record SamplePage(long total, int offset, int limit, List<Sample> items) {
    }

    /** The samples with these ids that exist, in id order, read for computing (not managed). */
    public List<Sample> samples(Collection<Long> ids) {
        return store.samples(ids);
    }

    /** Up to {@code limit} samples of a split drawn across it (a fixed pseudo-random order), not its first ones. */
    public List<Sample> drawnSamples(long projectId, Split split, long seed, int limit) {
        return store.samples(store.drawnFromSplit(projectId, split.value(), seed, limit));
    }

    public Optional<Sample> sample(long id) {
        return store.sample(id);
    }

    public Optional<Dataset> dataset(long id) {
        return store.dataset(id);
    }

    /** One labelled image for training or evaluation. */
    public record LabelledPixels(long sampleId, int label, int width, int height, int channels, byte[] pixels) {
    }

    /** Every image of a project's split, decoded, in id order (for training and evaluation); rows are left out. */
    public List<LabelledPixels> pixels(long projectId, Split split) {
        List<SampleStore.LabelledPng> rows = store.pngs(projectId, split);
        List<LabelledPixels> out = new ArrayList<>(rows.size());
        for (SampleStore.LabelledPng r : rows) {
            ImageCodec.Pixels px = ImageCodec.decodePng(r.png());
            out.add(new LabelledPixels(r.sampleId(), r.label(), px.width(), px.height(), px.channels(), px.data()));
        }
        return out;
    }

    /** The stored PNGs of many samples, by id, in one query. */
    public Map<Long, byte[]> imagePngs(Collection<Long> ids) {
        return store.pngs(ids);
    }

    /** Smallest and largest edge of a thumbnail, in pixels. */
    public static final int THUMBNAIL_MIN = 16;
    public static final int THUMBNAIL_MAX = 512;

    /**
     * A sample's image scaled down (smoothly, keeping its aspect) so that its longer edge is at most
     * {@code size} pixels; an image that fits already is answered as stored.
     *
     * @throws Invalid when {@code size} is outside {@link #THUMBNAIL_MIN}..{@link #THUMBNAIL_MAX}
     * @throws Unprocessable when the sample is a table row
     */
    public Optional<byte[]> thumbnailPng(long sampleId, int size) {
        if (size < THUMBNAIL_MIN || size > THUMBNAIL_MAX) {
            throw new Invalid("Invalid thumbnail size " + size,
                    "size is the longer edge in pixels, from " + THUMBNAIL_MIN + " to " + THUMBNAIL_MAX);
        }
        Optional<byte[]> stored = store.png(sampleId);
        if (stored.isEmpty()) {
            refuseTableRow(sampleId);
        }
        return stored.map(png -> {
            ImageCodec.Pixels px = ImageCodec.decodePng(png);
            if (Math.max(px.width(), px.height()) <= size) {
                return png;
            }
            ImageCodec.Pixels small = Thumbnail.fit(px, size);
            return ImageCodec.encodePng(small.width(), small.height(), small.channels(), small.data());
        });
    }

    /** The stored PNG of a sample; empty when there is no such sample or it is a table row (see {@link #image}). */
    public Optional<byte[]> imagePng(long sampleId) {
        return store.png(sampleId);
    }

    /**
     * The feature columns of a project's tables: those of its CSV datasets merged by name, in the
     * order they first appear; a categorical column's categories are those of every dataset, in
     * the order they first appear. Empty for an images project or one without a table yet.
     */
    public List<TableColumn> tableColumns(long projectId) {
        Map<String, TableColumn> merged = new LinkedHashMap<>();
        for (Dataset d : store.datasets(projectId)) {
            for (TableColumn c : store.columns(d.id)) {
                TableColumn seen = merged.get(c.name());
                if (seen == null) {
                    merged.put(c.name(), c);
                } else if (seen.type() == TableColumn.Type.CATEGORICAL && c.type() == TableColumn.Type.CATEGORICAL) {
                    List<String> categories = new ArrayList<>(seen.categories());
                    c.categories().stream().filter(k -> !categories.contains(k)).forEach(categories::add);
                    merged.put(c.name(), new TableColumn(c.name(), c.type(), categories));
                }
            }
        }
        return List.copyOf(merged.values());
    }

    /** The values of the table rows among these samples, by sample id (image samples are left out). */
    public Map<Long, Map<String, Object>> rows(Collection<Long> ids) {
        return store.rows(ids);
    }

    /**
     * The values of up to {@code limit} table rows of a project's split after sample {@code afterId}
     * (0: from the first), by sample id in id order; the last id is where the next page starts.
     */
    public Map<Long, Map<String, Object>> rowsAfter(long projectId, Split split, long afterId, int limit) {
        return store.rowsAfter(projectId, split, afterId, limit);
    }

    /** Up to {@code limit} training samples of a project in a pseudo-random order fixed by {@code seed}. */
    public List<Long> drawnTrainingSamples(long projectId, long seed, int limit) {
        return store.drawnTrainingSamples(projectId, null, seed, limit);
    }

    /**
     * Up to {@code limit} training samples of a project in a pseudo-random order fixed by
     * {@code seed}, from the datasets imported up to {@code importedUpTo} (null: all).
     */
    public List<Long> drawnTrainingSamples(long projectId, long seed, int limit, OffsetDateTime importedUpTo) {
        return importedUpTo == null ? store.drawnTrainingSamples(projectId, null, seed, limit)
                : store.drawnTrainingSamplesImportedBy(projectId, seed, limit, importedUpTo);
    }

    /**
     * The stored PNG of a sample, for a path that needs it.
     *
     * @throws NotFound when there is no such sample
     * @throws Unprocessable when the sample is a table row, which has values instead of an image
     */
    public byte[] image(long sampleId) {
        Optional<byte[]> png = store.png(sampleId);
        if (png.isEmpty()) {
            refuseTableRow(sampleId);
            throw NotFound.of("Sample " + sampleId);
        }
        return png.get();
    }

    private void refuseTableRow(long sampleId) {
        if (store.sample(sampleId).map(s -> s.tableRow).orElse(false)) {
            throw new Unprocessable("Sample " + sampleId + " is a table row: it has no image",
                    "GET /api/samples/" + sampleId + " answers its values");
        }
    }

    /** The feature columns of a CSV dataset in file order; empty for an image dataset. */
    public List<TableColumn> datasetColumns(long datasetId) {
        return store.columns(datasetId);
    }

    /**
     * The values of the table rows among these samples, by sample id, each in its dataset's column
     * order (numbers as Double, booleans as Boolean, categories as String); images are left out.
     */
    public Map<Long, Map<String, Object>> tableRows(List<Sample> samples) {
        List<Long> ids = samples.stream().filter(s -> s.tableRow).map(s -> s.id).toList();
        if (ids.isEmpty()) {
            return Map.of();
        }
        Map<Long, Map<String, Object>> stored = store.rows(ids);
        Map<Long, List<TableColumn>> columns = new HashMap<>();
        Map<Long, Map<String, Object>> out = new LinkedHashMap<>();
        for (Sample s : samples) {
            Map<String, Object> values = stored.get(s.id);
            if (values == null) {
                continue;
            }
            Map<String, Object> ordered = new LinkedHashMap<>();
            for (TableColumn c : columns.computeIfAbsent(s.datasetId, store::columns)) {
                ordered.put(c.name(), values.get(c.name()));
            }
            out.put(s.id, ordered);
        }
        return out;
    }
}
