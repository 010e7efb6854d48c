/**
 * Datasets and their samples: importers (IDX, image-folder archives, CSV tables, server-side files),
 * pages of samples with their images or table rows' values, and the project REST resource that
 * shows a project with its datasets. Owns the tables {@code datasets} and {@code samples}
 * ({@link org.rationale.dataset.SampleStore}). Depends on {@code project} and {@code imaging};
 * {@code project} does not depend on it.
 */
package org.rationale.dataset;
