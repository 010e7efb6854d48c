package org.rationale.report;

import org.rationale.error.Invalid;

import java.util.Locale;

/** The formats a report is exported in, with their media types. */
public enum ReportFormat {
    PDF("application/pdf"), HTML("text/html; charset=utf-8"), JSON("application/json"), CSV("text/csv; charset=utf-8");

    private final String mediaType;

    ReportFormat(String mediaType) {
        this.mediaType = mediaType;
    }

    public String mediaType() {
        return mediaType;
    }

    /** The name in parameters and file extensions: pdf, html, json or csv. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** pdf, html, json or csv (default pdf); 400 otherwise. */
    public static ReportFormat parse(String text) {
        if (text == null || text.isBlank()) {
            return PDF;
        }
        for (ReportFormat f : values()) {
            if (f.value().equals(text.strip().toLowerCase(Locale.ROOT))) {
                return f;
            }
        }
        throw new Invalid("Unknown format '" + text + "'", "Use pdf, html, json or csv");
    }
}
