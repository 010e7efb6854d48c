package org.rationale.dataset;

import java.util.List;

/**
 * What a CSV table would import into a tabular project, checked but not stored: its rows and
 * classes against the project's ({@link ImportPreview}, format {@code csv}) and its feature columns
 * with the types inferred from every cell.
 */
public record TablePreview(ImportPreview rows, List<TableColumn> columns) {
}
