package org.rationale.ui;

/**
 * The paths of the pages, written once: views declare their {@code @Route} with these, and pages
 * navigate to each other by path, so that no view imports another package's view.
 */
public final class Routes {

    public static final String PROJECTS = "";
    public static final String JOBS = "jobs";
    public static final String USERS = "users";
    public static final String LOGIN = "login";
    public static final String SAMPLES = "projects/:projectId/samples";
    public static final String REVIEW = "projects/:projectId/review";
    public static final String AGREEMENT = "projects/:projectId/agreement";
    public static final String ROUNDS = "projects/:projectId/rounds";
    public static final String REPORTS = "projects/:projectId/reports";
    public static final String IMPORT = "projects/:projectId/import";
    public static final String MODEL_UPLOAD = "projects/:projectId/models/new";
    public static final String TRAINING = "projects/:projectId/train";
    public static final String SETTINGS = "projects/:projectId/settings";
    public static final String SANITY = "projects/:projectId/sanity";

    private Routes() {
    }

    /** The path of a project's page: {@code template} (one of the project routes) with the project's id. */
    public static String of(String template, long projectId) {
        return template.replace(":projectId", Long.toString(projectId));
    }
}
