package org.rationale.dataset;

import java.util.List;

/**
 * What an upload would import, checked but not stored: its format, how many samples, and each of its
 * classes against the project's classes, so a person confirms the names before anything is written.
 *
 * @param samples           samples the upload holds
 * @param classes           the upload's classes, in its own label order, each matched to the project
 * @param projectOnly       the project's class names the upload has no samples of
 * @param imageSizes        distinct image sizes in pixels, such as "224×224", at most eight
 */
public record ImportPreview(String format, int samples, List<ClassMatch> classes, List<String> projectOnly,
                            List<String> imageSizes) {

    /** Whether any class disagrees with the project: the import would be refused. */
    public boolean conflicts() {
        return classes.stream().anyMatch(c -> c.status() == Match.CONFLICT);
    }

    /** How a class of the upload relates to the project's classes. */
    public enum Match {
        /** The project has this class under this name: the samples join it. */
        SAME,
        /** The project does not have it: the import adds it as a new class at the end. */
        NEW,
        /** The names disagree (an IDX label the project names otherwise, or a name used twice): refused. */
        CONFLICT
    }

    /**
     * One class of the upload.
     *
     * @param name         its name in the upload (folder name, given name, or the label number)
     * @param count        samples of it in the upload
     * @param projectLabel the project's label it becomes
     * @param projectName  the project's name for that label (after the import)
     * @param note         what happens, in words
     */
    public record ClassMatch(String name, long count, int projectLabel, String projectName, Match status,
                             String note) {
    }
}
