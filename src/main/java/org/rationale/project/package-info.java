/**
 * Review projects: creation with unique names, who may see them, and their class (label) names.
 * Owns the tables {@code projects}, {@code project_classes} and {@code project_members}
 * ({@link org.rationale.project.ProjectStore}). Knows nothing of datasets, models or reviews.
 */
package org.rationale.project;
