package org.rationale.report;

import org.rationale.config.Json;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Draws a {@link Report} in a format: JSON, CSV, or HTML and PDF with learning curves and thumbnails. */
@ApplicationScoped
public class ReportWriter {

    /** JSON of reports: ISO-8601 times, nulls kept (the schema lists every field). */
    static final ObjectMapper REPORT_JSON = Json.MAPPER;

    private final ReportThumbnails thumbnails;

    ReportWriter(ReportThumbnails thumbnails) {
        this.thumbnails = thumbnails;
    }

    /** The report's bytes in a format. */
    public byte[] write(Report report, ReportFormat f) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 16);
        try {
            switch (f) {
                case JSON -> REPORT_JSON.writeValue(out, report);
                case CSV -> {
                    var w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
                    CsvReport.write(report, w);
                    w.flush();
                }
                case HTML, PDF -> {
                    List<ReportDocument.Block> blocks = ReportDocument.of(report, plots(report), thumbnails.of(report));
                    if (f == ReportFormat.PDF) {
                        PdfReport.write(report, blocks, out);
                    } else {
                        var w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
                        HtmlReport.write(report, blocks, w);
                        w.flush();
                    }
                }
                default -> throw new IllegalStateException();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The learning curves of the report's finished rounds as PNGs by title; empty without one. */
    static Map<String, byte[]> plots(Report r) {
        List<LearningCurves.Point> points = r.rounds().stream().map(x -> new LearningCurves.Point(x.reviewedBefore(),
                x.reviewed(), x.testAccuracy(), x.shortcutMass(), x.startTestAccuracy(), x.relianceFlipRate(),
                LearningCurves.mean(x.controlAccuracies()))).toList();
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (LearningCurves.Curve c : LearningCurves.curves(points)) {
            out.put(c.title(), c.png(r.project().name(), 640, 360));
        }
        return out;
    }
}
