package org.rationale.ui.dataset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The import page's temporary files: one the page lets go of is deleted at once when no task reads
 * it, else by the last task reading it as that task ends; never while a task still reads it.
 */
class UploadedFilesTest {

    @TempDir
    Path dir;

    private Path file(String name) throws IOException {
        return Files.writeString(dir.resolve(name), "bytes of " + name);
    }

    @Test
    void aFileNoTaskReadsIsDeletedWhenThePageLetsGo() throws IOException {
        UploadedFiles files = new UploadedFiles();
        Path zip = file("a.zip");
        files.release(zip);
        assertFalse(Files.exists(zip));
    }

    @Test
    void aFileLetGoOfWhileACheckReadsItIsDeletedByTheCheckAsItEnds() throws IOException {
        UploadedFiles files = new UploadedFiles();
        Path zip = file("a.zip");
        files.use(List.of(zip));
        files.release(zip); // the page is left, or a second file replaces this one
        assertTrue(Files.exists(zip), "still read by the running check");
        assertTrue(files.inUse(zip));
        files.done(List.of(zip));
        assertFalse(Files.exists(zip));
        assertFalse(files.inUse(zip));
    }

    @Test
    void aFileTwoTasksReadLivesUntilTheLastEnds() throws IOException {
        UploadedFiles files = new UploadedFiles();
        Path images = file("images.idx");
        Path labels = file("labels.idx");
        files.use(List.of(images, labels)); // the check
        files.use(List.of(images, labels)); // the import, started before the check's last report
        files.release(images);
        files.release(labels);
        files.done(List.of(images, labels));
        assertTrue(Files.exists(images) && Files.exists(labels), "the import still reads them");
        files.done(List.of(images, labels));
        assertFalse(Files.exists(images) || Files.exists(labels));
    }

    @Test
    void aTaskEndingKeepsTheFilesThePageStillHolds() throws IOException {
        UploadedFiles files = new UploadedFiles();
        Path zip = file("a.zip");
        files.use(List.of(zip));
        files.done(List.of(zip)); // a check ended; the page keeps the file for the import
        assertTrue(Files.exists(zip));
    }
}
