package org.rationale.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.rationale.audit.AuditChain;
import org.rationale.audit.AuditEvent;
import org.rationale.audit.AuditLog;
import org.rationale.config.Json;
import org.rationale.dataset.Dataset;
import org.rationale.dataset.DatasetService;
import org.rationale.dataset.FeatureSet;
import org.rationale.dataset.Sample;
import org.rationale.dataset.TableColumn;
import org.rationale.imaging.ImageCodec;
import org.rationale.model.ModelVersion;
import org.rationale.project.Modality;
import org.rationale.project.Project;
import org.rationale.review.ReviewService;

import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A project's feedback as one zip for a team's own pipeline, narrowed like the audit report (model
 * version, round, dates): the verdicts as JSONL, the painted masks as PNG at image resolution, the
 * same masks as COCO RLE, Label Studio tasks with brush RLE results, the images they belong to, and a
 * README and manifest naming every file with its SHA-256. On table rows: the verdicts with the rows'
 * values and marked feature sets by name, the rows as CSV and the feature sets as JSONL instead. The zip is written to a temporary file a
 * bounded chunk of pixels at a time, hashed, and recorded in the audit trail with that hash.
 */
@ApplicationScoped
public class FeedbackExport {

    /** Most image and mask pixels read from the database at once. */
    static final long CHUNK_PIXELS = 16L << 20;
    /** Most table rows (values and feature sets) read from the database at once. */
    static final int CHUNK_ROWS = 1_000;
    /** COCO categories: id by mask kind. */
    static final Map<String, Integer> CATEGORIES = Map.of("relevant", 1, "shortcut", 2);
    /** Label Studio's names of the brush tool and of the image in {@link #LABEL_CONFIG}. */
    static final String FROM_NAME = "tag";
    static final String TO_NAME = "image";
    static final String LABEL_CONFIG = """
            <View>
              <Image name="image" value="$image" zoom="true"/>
              <BrushLabels name="tag" toName="image">
                <Label value="relevant" background="#2ca02c"/>
                <Label value="shortcut" background="#d62728"/>
              </BrushLabels>
            </View>
            """;
    private static final ObjectMapper JSON = Json.MAPPER;

    private final FeedbackFacts facts;
    private final ReviewService reviews;
    private final DatasetService datasets;
    private final AuditLog audit;

    FeedbackExport(FeedbackFacts facts, ReviewService reviews, DatasetService datasets, AuditLog audit) {
        this.facts = facts;
        this.reviews = reviews;
        this.datasets = datasets;
        this.audit = audit;
    }

    /**
     * A written export: the zip in a temporary file (removed when {@link #open()}'s stream closes),
     * its size and SHA-256 (also in the audit trail), its file name and what it holds.
     */
    public record Export(Path file, long bytes, String sha256, String filename, int verdicts, int masks, int samples,
                         long auditSeq) {

        /** The zip's bytes; closing the stream removes the temporary file. */
        public InputStream open() throws IOException {
            return new FilterInputStream(Files.newInputStream(file)) {
                @Override
                public void close() throws IOException {
                    try {
                        super.close();
                    } finally {
                        Files.deleteIfExists(file);
                    }
                }
            };
        }

        /** Removes the temporary file without reading it. */
        public void discard() {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** One file of the zip with its size and SHA-256. */
    public record Entry(String path, long bytes, String sha256) {
    }

    /**
     * Writes and records an export; 404 for an unknown project or round, 400 for a scope that does
     * not fit the project (as the report).
     */
    public Export export(long projectId, Long modelId, Integer round, Instant from, Instant to, String username) {
        FeedbackFacts.Facts f = facts.gather(projectId, modelId, round, from, to);
        String filename = filename(projectId, modelId, round, from, to);
        Path zip = null;
        try {
            zip = Files.createTempFile("rationale-feedback-", ".zip");
            MessageDigest whole = sha256();
            Written w;
            try (OutputStream file = Files.newOutputStream(zip);
                 ZipOutputStream out = new ZipOutputStream(new BufferedOutputStream(new DigestOutputStream(file, whole),
                         1 << 16))) {
                w = write(f, out, username);
            }
            String sha = HexFormat.of().formatHex(whole.digest());
            long size = Files.size(zip);
            AuditEvent e = audit.record(username, "feedback.export", "project:" + projectId, projectId, AuditLog.details(
                    "sha256", sha, "bytes", size, "verdicts", f.verdicts().size(), "masks", w.masks(),
                    "samples", w.samples(), "scope", f.scope().scope(), "filename", filename));
            audit.anchorHead();
            return new Export(zip, size, sha, filename, f.verdicts().size(), w.masks(), w.samples(), e.seq());
        } catch (IOException e) {
            delete(zip);
            throw new UncheckedIOException("Writing the feedback export failed", e);
        } catch (RuntimeException e) {
            delete(zip);
            throw e;
        }
    }

    /** The file name of an export: the project and the scope, so that two scopes never share a name. */
    public static String filename(long projectId, Long modelId, Integer round, Instant from, Instant to) {
        return "rationale-feedback-project-" + projectId + (modelId == null ? "" : "-model-" + modelId)
                + (round == null ? "" : "-round-" + round)
                + (from == null ? "" : "-from-" + AuditChain.time(from).substring(0, 10))
                + (to == null ? "" : "-to-" + AuditChain.time(to).substring(0, 10)) + ".zip";
    }

    private record Written(int masks, int samples) {
    }

    private Written write(FeedbackFacts.Facts f, ZipOutputStream zip, String username) throws IOException {
        if (f.scope().project().modality == Modality.TABULAR) {
            return writeRows(f, zip, username);
        }
        Project project = f.scope().project();
        List<Entry> entries = new ArrayList<>();
        Map<Long, List<ReviewService.MaskInfo>> masksBySample = new TreeMap<>();
        for (ReviewService.MaskInfo m : f.masks()) {
            masksBySample.computeIfAbsent(m.sampleId(), k -> new ArrayList<>()).add(m);
        }
        Map<Long, List<ReviewService.ExportedVerdict>> verdictsBySample = new TreeMap<>();
        for (ReviewService.ExportedVerdict v : f.verdicts()) {
            verdictsBySample.computeIfAbsent(v.review().sampleId(), k -> new ArrayList<>()).add(v);
        }

        entries.add(entry(zip, "verdicts.jsonl", out -> {
            for (ReviewService.ExportedVerdict v : f.verdicts()) {
                out.write(JSON.writeValueAsBytes(verdictLine(v, f, masksBySample.getOrDefault(v.review().sampleId(),
                        List.of()))));
                out.write('\n');
            }
        }));

        Path parts = Files.createTempDirectory("rationale-feedback-parts-");
        Path cocoImages = parts.resolve("coco-images.json");
        Path cocoAnnotations = parts.resolve("coco-annotations.json");
        Path tasks = parts.resolve("tasks.json");
        int written = 0;
        try {
            try (JsonGenerator images = generator(cocoImages); JsonGenerator annotations = generator(cocoAnnotations);
                 JsonGenerator ls = generator(tasks)) {
                images.writeStartArray();
                annotations.writeStartArray();
                ls.writeStartArray();
                for (List<Sample> chunk : chunks(f.samples().values(), masksBySample)) {
                    written += writeChunk(chunk, f, masksBySample, verdictsBySample, zip, entries, images, annotations, ls);
                }
                images.writeEndArray();
                annotations.writeEndArray();
                ls.writeEndArray();
            }
            entries.add(entry(zip, "coco/annotations.json", out -> {
                Map<String, Object> info = new LinkedHashMap<>();
                info.put("description", "Rationale feedback masks of project " + project.name);
                info.put("version", "1");
                info.put("date_created", AuditChain.time(Instant.now()));
                info.put("contributor", username);
                out.write(("{\"info\":" + JSON.writeValueAsString(info) + ",\"licenses\":[],\"images\":")
                        .getBytes(StandardCharsets.UTF_8));
                Files.copy(cocoImages, out);
                List<Map<String, Object>> categories = new ArrayList<>();
                for (String kind : ReviewService.KINDS) {
                    categories.add(Map.of("id", CATEGORIES.get(kind), "name", kind, "supercategory", "rationale"));
                }
                out.write((",\"categories\":" + JSON.writeValueAsString(categories) + ",\"annotations\":")
                        .getBytes(StandardCharsets.UTF_8));
                Files.copy(cocoAnnotations, out);
                out.write('}');
            }));
            entries.add(entry(zip, "label-studio/tasks.json", out -> Files.copy(tasks, out)));
            entries.add(entry(zip, "label-studio/labeling-config.xml",
                    out -> out.write(LABEL_CONFIG.getBytes(StandardCharsets.UTF_8))));
        } finally {
            Files.deleteIfExists(cocoImages);
            Files.deleteIfExists(cocoAnnotations);
            Files.deleteIfExists(tasks);
            Files.deleteIfExists(parts);
        }
        int masks = written;
        int samples = f.samples().size();
        Map<String, Object> manifest = manifest(f, username, entries, masks, samples);
        List<Entry> described = new ArrayList<>(entries);
        described.add(entry(zip, "manifest.json", out -> out.write(JSON.writerWithDefaultPrettyPrinter()
                .writeValueAsBytes(manifest))));
        zip.putNextEntry(new ZipEntry("README.txt"));
        zip.write(readme(f, username, described, masks, samples).getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
        return new Written(masks, samples);
    }

    /**
     * The export of a tabular project: the verdicts with each row's values and feature sets by name,
     * the rows' values as CSV, every marked feature set as a JSON line, the manifest and README; no
     * images, PNG masks, COCO or Label Studio files, which only fit images. Rows and feature sets are
     * read {@link #CHUNK_ROWS} at a time.
     */
    private Written writeRows(FeedbackFacts.Facts f, ZipOutputStream zip, String username) throws IOException {
        Project project = f.scope().project();
        List<Entry> entries = new ArrayList<>();
        Map<Long, List<TableColumn>> columnsByDataset = new HashMap<>();
        Map<Long, List<ReviewService.MaskInfo>> masksBySample = new TreeMap<>();
        for (ReviewService.MaskInfo m : f.masks()) {
            masksBySample.computeIfAbsent(m.sampleId(), k -> new ArrayList<>()).add(m);
        }
        entries.add(entry(zip, "verdicts.jsonl", out -> {
            List<ReviewService.ExportedVerdict> all = f.verdicts();
            for (int from = 0; from < all.size(); from += CHUNK_ROWS) {
                List<ReviewService.ExportedVerdict> chunk = all.subList(from, Math.min(all.size(), from + CHUNK_ROWS));
                List<Sample> judged = chunk.stream().map(v -> f.samples().get(v.review().sampleId()))
                        .filter(Objects::nonNull).distinct().toList();
                Map<Long, Map<String, Object>> values = datasets.tableRows(judged);
                Map<Long, Map<String, List<String>>> sets = featureSets(judged, masksBySample, columnsByDataset);
                for (ReviewService.ExportedVerdict v : chunk) {
                    long id = v.review().sampleId();
                    Map<String, Object> line = verdictLine(v, f, List.of());
                    line.remove("image");
                    line.remove("masks");
                    line.put("row", values.get(id));
                    line.put("featureSets", sets.getOrDefault(id, Map.of()));
                    out.write(JSON.writeValueAsBytes(line));
                    out.write('\n');
                }
            }
        }));
        List<TableColumn> columns = datasets.tableColumns(project.id);
        List<String> names = columns.stream().map(TableColumn::name).toList();
        entries.add(entry(zip, "rows.csv", out -> {
            Writer text = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            CSVPrinter csv = new CSVPrinter(text, CSVFormat.RFC4180);
            List<String> header = new ArrayList<>();
            header.add(names.contains("id") ? "sample_id" : "id");
            // where the row came from in the person's own terms: its id column's value (or its line)
            header.add(names.contains("source") ? "sample_source" : "source");
            header.addAll(names);
            header.add(names.contains("label") ? "sample_label" : "label");
            csv.printRecord(header);
            List<Sample> all = new ArrayList<>(f.samples().values());
            for (int from = 0; from < all.size(); from += CHUNK_ROWS) {
                List<Sample> chunk = all.subList(from, Math.min(all.size(), from + CHUNK_ROWS));
                Map<Long, Map<String, Object>> values = datasets.tableRows(chunk);
                for (Sample s : chunk) {
                    Map<String, Object> row = values.get(s.id);
                    if (row == null) {
                        continue;
                    }
                    List<String> record = new ArrayList<>(header.size());
                    record.add(Long.toString(s.id));
                    record.add(s.source == null ? "" : s.source);
                    names.forEach(n -> record.add(cell(row.get(n))));
                    record.add(project.className(s.label));
                    csv.printRecord(record);
                }
            }
            csv.flush();
        }));
        int[] written = new int[1];
        entries.add(entry(zip, "feature-sets.jsonl", out -> {
            List<Sample> all = new ArrayList<>(f.samples().values());
            for (int from = 0; from < all.size(); from += CHUNK_ROWS) {
                List<Sample> chunk = all.subList(from, Math.min(all.size(), from + CHUNK_ROWS));
                List<ReviewService.MaskInfo> infos = new ArrayList<>();
                chunk.forEach(s -> infos.addAll(masksBySample.getOrDefault(s.id, List.of())));
                Map<Long, byte[]> pixels = infos.isEmpty() ? Map.of()
                        : reviews.maskPixels(infos.stream().map(ReviewService.MaskInfo::id).toList());
                for (Sample s : chunk) {
                    for (ReviewService.MaskInfo m : masksBySample.getOrDefault(s.id, List.of())) {
                        List<String> features = features(s, pixels.get(m.id()), columnsByDataset);
                        if (features.isEmpty()) {
                            continue;
                        }
                        Map<String, Object> line = new LinkedHashMap<>();
                        line.put("sampleId", s.id);
                        line.put("source", s.source);
                        line.put("kind", m.kind());
                        line.put("features", features);
                        line.put("author", m.author());
                        line.put("version", m.version());
                        line.put("savedAt", AuditChain.time(m.updatedAt().toInstant()));
                        out.write(JSON.writeValueAsBytes(line));
                        out.write('\n');
                        written[0]++;
                    }
                }
            }
        }));
        int sets = written[0];
        int samples = f.samples().size();
        Map<String, Object> manifest = manifest(f, username, entries, sets, samples);
        manifest.put("modality", project.modality.wireName());
        manifest.put("featureSets", sets);
        manifest.put("features", names);
        List<Entry> described = new ArrayList<>(entries);
        described.add(entry(zip, "manifest.json", out -> out.write(JSON.writerWithDefaultPrettyPrinter()
                .writeValueAsBytes(manifest))));
        zip.putNextEntry(new ZipEntry("README.txt"));
        zip.write(readmeOnRows(f, username, described, sets, samples).getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
        return new Written(sets, samples);
    }

    /** The marked feature sets of these rows by sample id: per kind the feature names, in the dataset's column order. */
    private Map<Long, Map<String, List<String>>> featureSets(List<Sample> rows,
                                                            Map<Long, List<ReviewService.MaskInfo>> masksBySample,
                                                            Map<Long, List<TableColumn>> columnsByDataset) {
        List<Long> maskIds = new ArrayList<>();
        rows.forEach(s -> masksBySample.getOrDefault(s.id, List.of()).forEach(m -> maskIds.add(m.id())));
        Map<Long, byte[]> pixels = maskIds.isEmpty() ? Map.of() : reviews.maskPixels(maskIds);
        Map<Long, Map<String, List<String>>> out = new HashMap<>();
        for (Sample s : rows) {
            for (ReviewService.MaskInfo m : masksBySample.getOrDefault(s.id, List.of())) {
                List<String> features = features(s, pixels.get(m.id()), columnsByDataset);
                if (!features.isEmpty()) {
                    out.computeIfAbsent(s.id, k -> new TreeMap<>()).put(m.kind(), features);
                }
            }
        }
        return out;
    }

    /** The features a row's stored mask marks; none when the mask does not fit the row's dataset. */
    private List<String> features(Sample row, byte[] mask, Map<Long, List<TableColumn>> columnsByDataset) {
        List<TableColumn> columns = columnsByDataset.computeIfAbsent(row.datasetId, datasets::datasetColumns);
        if (mask == null || mask.length != columns.size()) {
            return List.of();
        }
        return FeatureSet.of(columns, mask).features();
    }

    /** A row's value as a CSV cell: numbers without a needless exponent or ".0", empty for a missing value. */
    static String cell(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) {
                return d.toString();
            }
            return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        }
        return value.toString();
    }

    /** Writes one chunk of samples: their images and masks, their COCO images and annotations, their tasks. */
    private int writeChunk(List<Sample> chunk, FeedbackFacts.Facts f, Map<Long, List<ReviewService.MaskInfo>> masksBySample,
                           Map<Long, List<ReviewService.ExportedVerdict>> verdictsBySample, ZipOutputStream zip,
                           List<Entry> entries, JsonGenerator images, JsonGenerator annotations, JsonGenerator ls)
            throws IOException {
        List<Long> ids = chunk.stream().map(s -> s.id).toList();
        Map<Long, byte[]> pngs = datasets.imagePngs(ids);
        List<Long> maskIds = new ArrayList<>();
        ids.forEach(id -> masksBySample.getOrDefault(id, List.of()).forEach(m -> maskIds.add(m.id())));
        Map<Long, byte[]> pixels = maskIds.isEmpty() ? Map.of() : reviews.maskPixels(maskIds);
        Project project = f.scope().project();
        int written = 0;
        for (Sample s : chunk) {
            byte[] png = pngs.get(s.id);
            if (png == null) {
                continue;
            }
            String image = imagePath(s.id);
            entries.add(entry(zip, image, out -> out.write(png)));
            Map<String, Object> cocoImage = new LinkedHashMap<>();
            cocoImage.put("id", s.id);
            cocoImage.put("file_name", image);
            cocoImage.put("width", s.width);
            cocoImage.put("height", s.height);
            cocoImage.put("rationale_source", s.source);
            cocoImage.put("rationale_split", s.split);
            cocoImage.put("rationale_label", project.className(s.label));
            JSON.writeValue(images, cocoImage);
            List<Map<String, Object>> results = new ArrayList<>();
            for (ReviewService.MaskInfo m : masksBySample.getOrDefault(s.id, List.of())) {
                byte[] mask = pixels.get(m.id());
                if (mask == null || mask.length != s.width * s.height) {
                    continue;
                }
                int[] counts = CocoRle.counts(mask, s.width, s.height);
                long area = CocoRle.area(counts);
                if (area == 0) {
                    continue;
                }
                byte[] painted = new byte[mask.length];
                for (int i = 0; i < mask.length; i++) {
                    painted[i] = mask[i] != 0 ? (byte) 255 : 0;
                }
                byte[] maskPng = ImageCodec.encodePng(s.width, s.height, 1, painted);
                entries.add(entry(zip, maskPath(s.id, m.kind()), out -> out.write(maskPng)));
                Map<String, Object> a = new LinkedHashMap<>();
                a.put("id", m.id());
                a.put("image_id", s.id);
                a.put("category_id", CATEGORIES.get(m.kind()));
                a.put("segmentation", Map.of("size", List.of(s.height, s.width), "counts", CocoRle.compress(counts)));
                a.put("area", area);
                a.put("bbox", CocoRle.bbox(mask, s.width, s.height));
                a.put("iscrowd", 1);
                a.put("rationale_mask_version", m.version());
                a.put("rationale_author", m.author());
                a.put("rationale_saved_at", AuditChain.time(m.updatedAt().toInstant()));
                JSON.writeValue(annotations, a);
                Map<String, Object> value = new LinkedHashMap<>();
                value.put("format", "rle");
                value.put("rle", toInts(LabelStudioBrush.encode(mask, s.width, s.height)));
                value.put("brushlabels", List.of(m.kind()));
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("id", "s" + s.id + "-" + m.kind());
                r.put("type", "brushlabels");
                r.put("from_name", FROM_NAME);
                r.put("to_name", TO_NAME);
                r.put("original_width", s.width);
                r.put("original_height", s.height);
                r.put("image_rotation", 0);
                r.put("value", value);
                results.add(r);
                written++;
            }
            JSON.writeValue(ls, task(s, image, results, verdictsBySample.getOrDefault(s.id, List.of()), f));
        }
        return written;
    }

    private static Map<String, Object> task(Sample s, String image, List<Map<String, Object>> results,
                                            List<ReviewService.ExportedVerdict> verdicts, FeedbackFacts.Facts f) {
        Project project = f.scope().project();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("image", "/data/local-files/?d=" + image);
        data.put("sample_id", s.id);
        data.put("source", s.source);
        data.put("split", s.split);
        data.put("label", project.className(s.label));
        List<Map<String, Object>> judged = new ArrayList<>();
        for (ReviewService.ExportedVerdict v : verdicts) {
            ModelVersion model = f.scope().models().get(v.review().modelId());
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("reviewer", v.review().reviewer());
            j.put("verdict", v.review().verdict().value());
            j.put("comment", v.review().comment());
            j.put("model", model == null ? null : model.label());
            j.put("method", v.review().method());
            judged.add(j);
        }
        data.put("verdicts", judged);
        Map<String, Object> task = new LinkedHashMap<>();
        task.put("data", data);
        if (!results.isEmpty()) {
            Map<String, Object> annotation = new LinkedHashMap<>();
            annotation.put("result", results);
            annotation.put("ground_truth", false);
            task.put("annotations", List.of(annotation));
        }
        return task;
    }

    private static Map<String, Object> verdictLine(ReviewService.ExportedVerdict v, FeedbackFacts.Facts f,
                                                   List<ReviewService.MaskInfo> masks) {
        ReviewService.Review r = v.review();
        Project project = f.scope().project();
        ModelVersion model = f.scope().models().get(r.modelId());
        Sample sample = f.samples().get(r.sampleId());
        Dataset dataset = f.datasets().get(v.datasetId());
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("reviewId", r.id());
        line.put("sampleId", r.sampleId());
        line.put("source", v.source());
        line.put("dataset", dataset == null ? null : dataset.name);
        line.put("split", v.split());
        line.put("label", v.label());
        line.put("labelName", project.className(v.label()));
        line.put("image", sample == null ? null : imagePath(r.sampleId()));
        line.put("modelId", r.modelId());
        line.put("modelName", model == null ? null : model.name);
        line.put("modelVersion", model == null ? null : model.version);
        line.put("modelSha256", model == null ? null : model.sha256);
        line.put("saliencyMapId", r.saliencyMapId());
        line.put("method", r.method());
        line.put("parameters", parameters(v.parameters()));
        line.put("target", v.target());
        line.put("targetName", project.className(v.target()));
        line.put("verdict", r.verdict().value());
        line.put("comment", r.comment());
        line.put("reviewer", r.reviewer());
        line.put("reviewedAt", AuditChain.time(r.updatedAt().toInstant()));
        line.put("verdictVersion", r.version());
        Map<String, String> maskFiles = new LinkedHashMap<>();
        masks.forEach(m -> maskFiles.put(m.kind(), maskPath(r.sampleId(), m.kind())));
        line.put("masks", maskFiles);
        return line;
    }

    /** A map's canonical parameters ({@code a=1,b=x}) by name. */
    static Map<String, String> parameters(String canonical) {
        Map<String, String> out = new LinkedHashMap<>();
        if (canonical == null || canonical.isBlank()) {
            return out;
        }
        for (String pair : canonical.split(",")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return out;
    }

    private static Map<String, Object> manifest(FeedbackFacts.Facts f, String username, List<Entry> entries, int masks,
                                                int samples) {
        Project project = f.scope().project();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("exportVersion", 1);
        m.put("generatedAt", AuditChain.time(Instant.now()));
        m.put("generatedBy", username);
        m.put("project", Map.of("id", project.id, "name", project.name));
        m.put("scope", f.scope().scope());
        m.put("verdicts", f.verdicts().size());
        m.put("masks", masks);
        m.put("samples", samples);
        m.put("empty", f.verdicts().isEmpty() && masks == 0);
        m.put("files", entries);
        return m;
    }

    private static String readme(FeedbackFacts.Facts f, String username, List<Entry> entries, int masks, int samples) {
        Project project = f.scope().project();
        StringBuilder b = new StringBuilder();
        b.append("Rationale feedback export\n=========================\n\n");
        b.append("Project:   ").append(project.name).append(" (id ").append(project.id).append(")\n");
        b.append("Scope:     ").append(f.scope().scope().description()).append('\n');
        b.append("Generated: ").append(AuditChain.time(Instant.now())).append(" by ").append(username).append("\n\n");
        if (f.verdicts().isEmpty() && masks == 0) {
            b.append("This export is empty: nobody has given a verdict or painted a mask in this scope yet.\n")
                    .append("Experts review in Rationale's review session (Review rationales on the project card);\n")
                    .append("export again once they have.\n\n");
        }
        b.append(f.verdicts().size()).append(" verdicts, ").append(masks).append(" painted masks, ").append(samples)
                .append(" samples.\n\n");
        b.append("""
                Files
                -----
                verdicts.jsonl                one JSON object per line and verdict: sample id, source, dataset,
                                              split, label, model (id, name, version number, SHA-256), method and
                                              its parameters, target class, verdict, comment, reviewer, time (UTC)
                masks/sample-<id>-<kind>.png  the painted masks at the image's resolution, 8-bit gray,
                                              255 = painted, 0 = not; kind is relevant or shortcut
                images/sample-<id>.png        the images the verdicts and masks belong to, as stored
                coco/annotations.json         the same masks as COCO RLE (compressed counts, column-major, as
                                              pycocotools.mask.decode reads them); categories 1 relevant, 2 shortcut
                label-studio/tasks.json       Label Studio tasks: the image, the verdicts, and the masks as
                                              brushlabels results (RLE)
                label-studio/labeling-config.xml  the labeling configuration those tasks fit
                manifest.json                 this list as JSON, with the scope and the counts

                Opening the masks in Label Studio
                ---------------------------------
                1. Unzip this file into a folder, e.g. /data/rationale-export.
                2. Start Label Studio with local files served from that folder:
                   LABEL_STUDIO_LOCAL_FILES_SERVING_ENABLED=true
                   LABEL_STUDIO_LOCAL_FILES_DOCUMENT_ROOT=/data/rationale-export  label-studio start
                3. Create a project; under Settings > Labeling Interface > Code paste labeling-config.xml.
                4. Under Settings > Cloud Storage add a Local Files source storage with the absolute path
                   /data/rationale-export/images (do not sync it: the tasks below already name the images).
                5. Import label-studio/tasks.json. Each task shows its image with the painted masks.

                SHA-256 of every file (check with: sha256sum -c, after cutting this list out)
                ----------------------------------------------------------------------------
                """);
        for (Entry e : entries) {
            b.append(e.sha256()).append("  ").append(e.path()).append('\n');
        }
        return b.toString();
    }

    private static String readmeOnRows(FeedbackFacts.Facts f, String username, List<Entry> entries, int sets,
                                       int samples) {
        Project project = f.scope().project();
        StringBuilder b = new StringBuilder();
        b.append("Rationale feedback export (table rows)\n======================================\n\n");
        b.append("Project:   ").append(project.name).append(" (id ").append(project.id).append("), samples are table rows\n");
        b.append("Scope:     ").append(f.scope().scope().description()).append('\n');
        b.append("Generated: ").append(AuditChain.time(Instant.now())).append(" by ").append(username).append("\n\n");
        if (f.verdicts().isEmpty() && sets == 0) {
            b.append("This export is empty: nobody has given a verdict or marked a feature set in this scope yet.\n")
                    .append("Experts review in Rationale's review session (Review rationales on the project card);\n")
                    .append("export again once they have.\n\n");
        }
        b.append(f.verdicts().size()).append(" verdicts, ").append(sets).append(" marked feature sets, ").append(samples)
                .append(" rows.\n\n");
        b.append("""
                Files
                -----
                verdicts.jsonl      one JSON object per line and verdict: sample id, source, dataset, split,
                                    label, model (id, name, version number, SHA-256), method and its
                                    parameters, target class, verdict, comment, reviewer, time (UTC), the
                                    row's values ("row", by column name) and the features the experts marked
                                    on it ("featureSets": kind -> feature names, e.g. "shortcut": ["site"])
                rows.csv            the values of the rows judged or marked in this scope: id, source (the row's
                                    id column value, or its line in the imported file), one column per
                                    feature (the project's tables' columns), label (the class name)
                feature-sets.jsonl  one JSON object per line and marked feature set: sample id, source, kind
                                    (relevant or shortcut), the feature names, author, version, time (UTC)
                manifest.json       this list as JSON, with the scope, the counts and the feature names

                A feature set names columns of the row's own dataset; a relevant set marks the features the
                decision should rest on, a shortcut set those it must not rest on. There are no images or
                masks in this export: the samples are table rows.

                SHA-256 of every file (check with: sha256sum -c, after cutting this list out)
                ----------------------------------------------------------------------------
                """);
        for (Entry e : entries) {
            b.append(e.sha256()).append("  ").append(e.path()).append('\n');
        }
        return b.toString();
    }

    /** Groups samples into chunks of at most {@link #CHUNK_PIXELS} image and mask pixels (at least one sample each). */
    static List<List<Sample>> chunks(Iterable<Sample> samples, Map<Long, List<ReviewService.MaskInfo>> masksBySample) {
        List<List<Sample>> out = new ArrayList<>();
        List<Sample> current = new ArrayList<>();
        long pixels = 0;
        for (Sample s : samples) {
            long cost = (long) s.width * s.height * (1 + masksBySample.getOrDefault(s.id, List.of()).size());
            if (!current.isEmpty() && pixels + cost > CHUNK_PIXELS) {
                out.add(current);
                current = new ArrayList<>();
                pixels = 0;
            }
            current.add(s);
            pixels += cost;
        }
        if (!current.isEmpty()) {
            out.add(current);
        }
        return out;
    }

    static String imagePath(long sampleId) {
        return "images/sample-" + sampleId + ".png";
    }

    static String maskPath(long sampleId, String kind) {
        return "masks/sample-" + sampleId + "-" + kind + ".png";
    }

    private static int[] toInts(byte[] bytes) {
        int[] out = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = bytes[i] & 0xff;
        }
        return out;
    }

    /** What writes one file's content. */
    private interface Content {
        void write(OutputStream out) throws IOException;
    }

    private static Entry entry(ZipOutputStream zip, String path, Content content) throws IOException {
        zip.putNextEntry(new ZipEntry(path));
        MessageDigest digest = sha256();
        long[] size = new long[1];
        OutputStream out = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                zip.write(b);
                digest.update((byte) b);
                size[0]++;
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                zip.write(b, off, len);
                digest.update(b, off, len);
                size[0] += len;
            }
        };
        content.write(out);
        zip.closeEntry();
        return new Entry(path, size[0], HexFormat.of().formatHex(digest.digest()));
    }

    private static JsonGenerator generator(Path file) throws IOException {
        return JSON.getFactory().createGenerator(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void delete(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // the export failed already; a leftover temporary file is not worth a second error
            }
        }
    }
}
