package org.rationale.report;

import org.rationale.audit.AuditChain;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;

/**
 * The verdicts of a report as CSV (RFC 4180), one row per verdict, safe to open in a spreadsheet.
 * A project of table rows has {@link #TABLE_COLUMNS}: the marked feature sets and the judged map's
 * top attributions in place of the masks' pixel counts.
 */
public final class CsvReport {

    public static final List<String> COLUMNS = List.of("review_id", "time", "reviewer", "role", "sample_id", "split",
            "label", "label_name", "predicted", "predicted_name", "confidence", "saliency_map_id", "method", "model_id",
            "verdict", "comment", "version", "queue_strategy", "queue_position", "queue_score",
            "relevant_mask_pixels", "shortcut_mask_pixels");

    /**
     * The columns of a tabular project's report: those of an images report up to {@code queue_score},
     * then the feature sets marked (names separated by {@code ;}) and the top attributions
     * ({@code feature=value:attribution}, separated by {@code ;}, largest magnitude first).
     */
    public static final List<String> TABLE_COLUMNS = List.of("review_id", "time", "reviewer", "role", "sample_id",
            "split", "label", "label_name", "predicted", "predicted_name", "confidence", "saliency_map_id", "method",
            "model_id", "verdict", "comment", "version", "queue_strategy", "queue_position", "queue_score",
            "relevant_features", "shortcut_features", "top_attributions");

    private CsvReport() {
    }

    public static void write(Report report, Writer out) throws IOException {
        boolean rows = ReportDocument.tabular(report);
        out.write(String.join(",", rows ? TABLE_COLUMNS : COLUMNS));
        out.write("\r\n");
        for (Report.Verdict v : report.verdicts()) {
            List<Object> row = new ArrayList<>(COLUMNS.size());
            row.add(v.reviewId());
            row.add(AuditChain.time(v.at()));
            row.add(v.reviewer());
            row.add(v.role());
            row.add(v.sampleId());
            row.add(v.split());
            row.add(v.label());
            row.add(v.labelName());
            row.add(v.predicted());
            row.add(v.predictedName());
            row.add(v.confidence());
            row.add(v.saliencyMapId());
            row.add(v.method());
            row.add(v.modelId());
            row.add(v.verdict());
            row.add(v.comment());
            row.add(v.version());
            row.add(v.choice() == null ? null : v.choice().strategy());
            row.add(v.choice() == null ? null : v.choice().position() + 1);
            row.add(v.choice() == null ? null : v.choice().score());
            if (rows) {
                row.add(marked(v.row(), "relevant"));
                row.add(marked(v.row(), "shortcut"));
                row.add(v.row() == null ? null : String.join(";", v.row().topAttributions().stream()
                        .map(a -> a.feature() + "=" + (a.value() == null ? "" : a.value()) + ":" + a.attribution()).toList()));
            } else {
                row.add(v.masks().relevantPixels());
                row.add(v.masks().shortcutPixels());
            }
            for (int i = 0; i < row.size(); i++) {
                if (i > 0) {
                    out.write(',');
                }
                out.write(cell(row.get(i)));
            }
            out.write("\r\n");
        }
    }

    private static String marked(Report.Row row, String kind) {
        return row == null ? null : String.join(";", row.featureSets().stream().filter(f -> f.kind().equals(kind))
                .flatMap(f -> f.features().stream()).toList());
    }

    /**
     * One cell: quoted when it holds a comma, quote or line break; text a spreadsheet would run as a
     * formula (starting with =, +, -, @, tab or carriage return) gets a leading apostrophe.
     */
    static String cell(Object value) {
        if (value == null) {
            return "";
        }
        String s = value.toString();
        if (value instanceof String && !s.isEmpty() && "=+-@\t\r".indexOf(s.charAt(0)) >= 0) {
            s = "'" + s;
        }
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
            return "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }
}
