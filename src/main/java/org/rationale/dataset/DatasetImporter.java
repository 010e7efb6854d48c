package org.rationale.dataset;

import java.nio.file.InvalidPathException;
import java.util.concurrent.Callable;
import org.rationale.error.Invalid;
import org.rationale.error.NotFound;
import org.rationale.error.Forbidden;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import org.rationale.config.RationaleConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
    private final RationaleConfig config;

    DatasetImporter(DatasetService datasets, RationaleConfig config) {
        this.datasets = datasets;
        this.config = config;
    }

    /** A file to import and the name the user knows it by. */
    public record NamedFile(Path path, String name) {
    }

    public Dataset importIdx(long projectId, String name, String split, NamedFile images, NamedFile labels,
                             String classNames, String origin) {
        Split s = Split.parse(split);
        requireProject(projectId);
        try (IdxSource source = IdxSource.open(images.path(), images.name(), labels.path(), labels.name(),
                ImportLimits.of(config.importing()))) {
            return inTransaction(() -> datasets.importDataset(projectId, nameOr(name, images.name()), s, origin,
                    source, parseClassNames(classNames)));
        }
    }

    public Dataset importArchive(long projectId, String name, String split, NamedFile archive, String classNames,
                                 String origin) {
        Split s = Split.parse(split);
        requireProject(projectId);
        try (ImageFolderArchive source = ImageFolderArchive.open(archive.path(), archive.name(),
                ImportLimits.of(config.importing()))) {
            return inTransaction(() -> datasets.importDataset(projectId, nameOr(name, archive.name()), s, origin,
                    source, parseClassNames(classNames)));
        } catch (IOException e) {
            throw new IllegalStateException("Closing " + archive.name() + " failed", e);
        }
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

    private void requireProject(long projectId) {
        if (datasets.projectMissing(projectId)) {
            throw NotFound.of("Project " + projectId);
        }
    }

    private static String nameOr(String name, String fileName) {
        if (name != null && !name.isBlank()) {
            return name;
        }
        String n = fileName == null ? "" : fileName;
        return n.replaceFirst("(?i)\\.(gz)$", "").replaceFirst("(?i)\\.(zip|idx\\d-ubyte|ubyte)$", "");
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
