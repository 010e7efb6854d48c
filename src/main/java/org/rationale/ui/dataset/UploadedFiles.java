package org.rationale.ui.dataset;

import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The temporary files one import page received: a file the page lets go of is deleted at once, or,
 * while a background check or import still reads it, by the last such task as it ends. So leaving
 * the page or replacing a file never pulls a file from under a running task, and no file outlives
 * both. Safe to call from the page's thread and the tasks' threads.
 */
final class UploadedFiles {

    private static final Logger LOG = Logger.getLogger(UploadedFiles.class);

    /** Files read by running tasks, with how many tasks read each. */
    private final Map<Path, Integer> readers = new HashMap<>();
    /** Files the page let go of while a task still read them. */
    private final Set<Path> released = new HashSet<>();

    /** A task starts reading these files. */
    synchronized void use(Collection<Path> files) {
        for (Path f : files) {
            readers.merge(f, 1, Integer::sum);
        }
    }

    /** A task has ended: the files it read that the page let go of meanwhile, and no other task reads, are deleted. */
    synchronized void done(Collection<Path> files) {
        for (Path f : files) {
            Integer left = readers.computeIfPresent(f, (k, n) -> n == 1 ? null : n - 1);
            if (left == null && released.remove(f)) {
                delete(f);
            }
        }
    }

    /** The page no longer needs the file: deleted now, or when the last task reading it ends. */
    synchronized void release(Path file) {
        if (readers.containsKey(file)) {
            released.add(file);
        } else {
            delete(file);
        }
    }

    /** Whether a task still reads the file. */
    synchronized boolean inUse(Path file) {
        return readers.containsKey(file);
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warnf("Could not delete the uploaded file %s: %s", file, e.getMessage());
        }
    }
}
