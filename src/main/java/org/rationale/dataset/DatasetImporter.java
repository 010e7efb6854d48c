package org.rationale.dataset;

import java.nio.file.InvalidPathException;
import java.util.concurrent.Callable;
import org.rationale.error.Invalid;
import org.rationale.error.NotFound;
import org.rationale.error.Forbidden;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import org.rationale.config.RationaleConfig;
import org.rationale.project.Modality;
import org.rationale.project.Project;
import org.rationale.project.ProjectService;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns files (uploaded, or named by a server-side path) into a {@link SampleSource} with the
 * configured limits and hands it to {@link DatasetService#importDataset}. Reading headers and zip
 * directories happens here, before the import transaction opens.
 */
@ApplicationScoped
public class DatasetImporter {

    private final DatasetService datasets;
    private final ProjectService projects;
    private final RationaleConfig config;

    DatasetImporter(DatasetService datasets, ProjectService projects, RationaleConfig config) {
        this.datasets = datasets;
        this.projects = projects;
        this.config = config;
    }

    /** A file to import and the name the user knows it by. */
    public record NamedFile(Path path, String name) {
    }

    public Dataset importIdx(long projectId, String name, String split, NamedFile images, NamedFile labels,
                             String classNames, String origin) {
        return importIdx(projectId, name, split, images, labels, classNames, origin, ImportProgress.NONE, null);
    }

    /**
     * Imports an IDX pair, telling {@code progress} of each sample stored and recording {@code actor}
     * (null: the logged-in caller) in the audit trail.
     */
    public Dataset importIdx(long projectId, String name, String split, NamedFile images, NamedFile labels,
                             String classNames, String origin, ImportProgress progress, String actor) {
        Split s = Split.parse(split);
        requireModality(projectId, Modality.IMAGES);
        List<String> given = parseClassNames(classNames);
        try (IdxSource source = IdxSource.open(images.path(), images.name(), labels.path(), labels.name(),
                ImportLimits.of(config.importing()))) {
            return inTransaction(() -> datasets.importDataset(projectId, nameOr(name, images.name()), s, origin,
                    source, given, progress, actor));
        }
    }

    public Dataset importArchive(long projectId, String name, String split, NamedFile archive, String classNames,
                                 String origin) {
        return importArchive(projectId, name, split, archive, classNames, origin, ImportProgress.NONE, null);
    }

    /**
     * Imports a zip of class folders, telling {@code progress} of the headers checked and then of each
     * sample stored, and recording {@code actor} (null: the logged-in caller) in the audit trail.
     */
    public Dataset importArchive(long projectId, String name, String split, NamedFile archive, String classNames,
                                 String origin, ImportProgress progress, String actor) {
        Split s = Split.parse(split);
        requireModality(projectId, Modality.IMAGES);
        List<String> given = parseClassNames(classNames);
        try (ImageFolderArchive source = ImageFolderArchive.open(archive.path(), archive.name(),
                ImportLimits.of(config.importing()), progress)) {
            return inTransaction(() -> datasets.importDataset(projectId, nameOr(name, archive.name()), s, origin,
                    source, given, progress, actor));
        } catch (IOException e) {
            throw new IllegalStateException("Closing " + archive.name() + " failed", e);
        }
    }

    public Dataset importTable(long projectId, String name, String split, NamedFile table, String labelColumn,
                               String idColumn, String origin) {
        return importTable(projectId, name, split, table, labelColumn, idColumn, origin, ImportProgress.NONE, null);
    }

    /**
     * Imports a CSV table into a tabular project: reads and checks the whole file first (types,
     * missing values, the limits; {@link ImportProgress.Stage#CHECKING} by rows), then stores every
     * row in one transaction ({@link ImportProgress.Stage#STORING}), recording {@code actor} (null:
     * the logged-in caller) in the audit trail.
     */
    public Dataset importTable(long projectId, String name, String split, NamedFile table, String labelColumn,
                               String idColumn, String origin, ImportProgress progress, String actor) {
        Split s = Split.parse(split);
        requireModality(projectId, Modality.TABULAR);
        CsvTable scanned = CsvTable.scan(table.path(), table.name(), labelColumn, idColumn,
                config.importing().maxEntries(), progress);
        return inTransaction(() -> datasets.importTable(projectId, nameOr(name, table.name()), s, origin, scanned,
                progress, actor));
    }

    /**
     * The column names of a CSV file's header (its first row), for choosing the label and id
     * columns; refused as an import would refuse the header (empty file, blank or duplicate names,
     * too many columns, not UTF-8).
     */
    public List<String> tableHeader(NamedFile table) {
        return CsvTable.headerOf(table.path(), table.name());
    }

    /**
     * Checks a CSV table as an import into the project would (every row, the column types, the
     * limits, the columns of the project's earlier tables) and compares its label values with the
     * project's classes, storing nothing. Every problem of single rows is refused at once
     * ({@link InvalidDatasetException#problems()}); progress is told by rows checked.
     */
    public TablePreview previewTable(long projectId, NamedFile table, String labelColumn, String idColumn,
                                     ImportProgress progress) {
        Project project = projects.find(projectId).orElseThrow(() -> NotFound.of("Project " + projectId));
        DatasetService.requireModality(project, Modality.TABULAR);
        CsvTable scanned = CsvTable.scan(table.path(), table.name(), labelColumn, idColumn,
                config.importing().maxEntries(), progress);
        datasets.requireSameColumns(project, scanned);
        List<ImportPreview.ClassMatch> matches = new ArrayList<>();
        int next = project.classNames.size();
        for (String n : scanned.classNames()) {
            long count = scanned.classCounts().get(n);
            int at = project.classNames.indexOf(n);
            if (at >= 0) {
                matches.add(new ImportPreview.ClassMatch(n, count, at, n, ImportPreview.Match.SAME,
                        "joins the project's class " + at + " '" + n + "'"));
            } else {
                matches.add(new ImportPreview.ClassMatch(n, count, next, n, ImportPreview.Match.NEW,
                        "new: added to the project as class " + next));
                next++;
            }
        }
        return new TablePreview(new ImportPreview(DatasetService.CSV, scanned.rowCount(), matches,
                projectOnly(project, scanned.classNames()), List.of()), scanned.columns());
    }

    /**
     * Checks a zip of class folders as an import would (names, layout, every image's header, the
     * limits) and compares its classes with the project's, storing nothing. Every problem of single
     * entries is refused at once ({@link InvalidDatasetException#problems()}).
     */
    public ImportPreview previewArchive(long projectId, NamedFile archive, ImportProgress progress) {
        Project project = projects.find(projectId).orElseThrow(() -> NotFound.of("Project " + projectId));
        DatasetService.requireModality(project, Modality.IMAGES);
        try (ImageFolderArchive source = ImageFolderArchive.open(archive.path(), archive.name(),
                ImportLimits.of(config.importing()), progress)) {
            long[] counts = source.countsByClass();
            List<String> names = source.classNames();
            List<ImportPreview.ClassMatch> matches = new ArrayList<>();
            int next = project.classNames.size();
            for (int i = 0; i < names.size(); i++) {
                String n = names.get(i);
                int at = project.classNames.indexOf(n);
                if (at >= 0) {
                    matches.add(new ImportPreview.ClassMatch(n, counts[i], at, n, ImportPreview.Match.SAME,
                            "joins the project's class " + at + " '" + n + "'"));
                } else {
                    String similar = project.classNames.stream().filter(p -> p.equalsIgnoreCase(n.strip()))
                            .findFirst().map(p -> "; the project has '" + p + "', but names must match exactly")
                            .orElse("");
                    matches.add(new ImportPreview.ClassMatch(n, counts[i], next, n, ImportPreview.Match.NEW,
                            "new: added to the project as class " + next + similar));
                    next++;
                }
            }
            return new ImportPreview(source.format(), source.expectedCount(), matches, projectOnly(project, names),
                    source.sizes());
        } catch (IOException e) {
            throw new IllegalStateException("Closing " + archive.name() + " failed", e);
        }
    }

    /**
     * Checks an IDX pair as an import would (headers, counts, limits) and compares its labels, named
     * by {@code classNames} (comma-separated, by label; may be blank), with the project's classes,
     * storing nothing. Labels keep their numbers: a label the project names otherwise is a conflict.
     */
    public ImportPreview previewIdx(long projectId, NamedFile images, NamedFile labels, String classNames) {
        Project project = projects.find(projectId).orElseThrow(() -> NotFound.of("Project " + projectId));
        DatasetService.requireModality(project, Modality.IMAGES);
        List<String> given = parseClassNames(classNames);
        try (IdxSource source = IdxSource.open(images.path(), images.name(), labels.path(), labels.name(),
                ImportLimits.of(config.importing()))) {
            long[] counts = source.countsByLabel();
            List<ImportPreview.ClassMatch> matches = new ArrayList<>();
            List<String> names = new ArrayList<>(project.classNames);
            for (int label = 0; label < Math.max(counts.length, given.size()); label++) {
                String g = label < given.size() ? given.get(label) : null;
                long count = label < counts.length ? counts[label] : 0;
                if (label < project.classNames.size()) {
                    String existing = project.classNames.get(label);
                    if (g != null && !g.equals(existing)) {
                        matches.add(new ImportPreview.ClassMatch(g, count, label, existing, ImportPreview.Match.CONFLICT,
                                "the project calls label " + label + " '" + existing + "', the names given say '" + g
                                        + "': give '" + existing + "' or leave the names empty"));
                    } else {
                        matches.add(new ImportPreview.ClassMatch(g == null ? Integer.toString(label) : g, count, label,
                                existing, ImportPreview.Match.SAME, "label " + label + " is the project's '" + existing + "'"));
                    }
                } else {
                    String n = g == null ? Integer.toString(label) : g;
                    if (names.contains(n)) {
                        matches.add(new ImportPreview.ClassMatch(n, count, label, n, ImportPreview.Match.CONFLICT,
                                "the project already uses the name '" + n + "' for label " + names.indexOf(n)
                                        + "; give label " + label + " another name"));
                    } else {
                        matches.add(new ImportPreview.ClassMatch(n, count, label, n, ImportPreview.Match.NEW,
                                "new: added to the project as class " + label
                                        + (g == null ? " named '" + n + "' (give class names to name it)" : "")));
                    }
                    names.add(n);
                }
            }
            List<String> sourceNames = matches.stream().map(ImportPreview.ClassMatch::projectName).toList();
            return new ImportPreview(source.format(), source.expectedCount(), matches,
                    projectOnly(project, sourceNames), List.of(source.cols() + "×" + source.rows()));
        }
    }

    private static List<String> projectOnly(Project project, List<String> uploadNames) {
        return project.classNames.stream().filter(n -> !uploadNames.contains(n)).toList();
    }

    /**
     * Resolves a server-side path, refusing anything outside {@code rationale.import.allowed-paths}
     * (after following links) and anything that is not a readable regular file.
     */
    public NamedFile serverFile(String path, String field) {
        if (path == null || path.isBlank()) {
            throw new Invalid("Missing path for " + field, "Give an absolute server-side path");
        }
        Path p;
        try {
            p = Path.of(path).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new Invalid("Invalid path for " + field, e.getMessage());
        }
        Path real;
        try {
            real = Files.exists(p) ? p.toRealPath() : p;
        } catch (IOException e) {
            real = p;
        }
        boolean allowed = false;
        for (Path root : config.importing().allowedPaths()) {
            try {
                Path r = root.toAbsolutePath().normalize();
                if (Files.exists(r) && real.startsWith(r.toRealPath())) {
                    allowed = true;
                    break;
                }
            } catch (IOException ignored) {
                // a root that cannot be resolved allows nothing
            }
        }
        // the allow-list is checked first, so a caller learns nothing about files outside it
        if (allowed) {
            if (!Files.isRegularFile(real) || !Files.isReadable(real)) {
                throw new Invalid("No such file: " + path, field + " must name a readable file on the server");
            }
            return new NamedFile(real, p.getFileName().toString());
        }
        throw new Forbidden("Path not allowed: " + path,
                "Server-side imports are limited to " + config.importing().allowedPaths()
                        + " (rationale.import.allowed-paths)");
    }

    private static Dataset inTransaction(Callable<Dataset> work) {
        return QuarkusTransaction.requiringNew().timeout(DatasetService.IMPORT_TIMEOUT_SECONDS).call(work);
    }

    /** Refuses data of the other modality before any of it is read (the import's transaction checks again). */
    private void requireModality(long projectId, Modality modality) {
        DatasetService.requireModality(projects.find(projectId).orElseThrow(() -> NotFound.of("Project " + projectId)),
                modality);
    }

    /** The dataset name an upload gets when none is given: its file name without .zip, .gz, .csv or the IDX suffix. */
    public static String defaultName(String fileName) {
        return nameOr(null, fileName);
    }

    private static String nameOr(String name, String fileName) {
        if (name != null && !name.isBlank()) {
            return name;
        }
        String n = fileName == null ? "" : fileName;
        return n.replaceFirst("(?i)\\.(gz)$", "").replaceFirst("(?i)\\.(zip|idx\\d-ubyte|ubyte|csv)$", "");
    }

    static List<String> parseClassNames(String classNames) {
        if (classNames == null || classNames.isBlank()) {
            return List.of();
        }
        List<String> names = Arrays.stream(classNames.split(",")).map(String::strip).toList();
        if (names.stream().anyMatch(String::isEmpty)) {
            throw new Invalid("Empty class name", "classNames is a comma-separated list of non-blank names");
        }
        if (names.stream().distinct().count() != names.size()) {
            throw new Invalid("Duplicate class name", "Each name in classNames must be unique");
        }
        return names;
    }
}
