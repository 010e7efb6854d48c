package org.rationale.report;

import java.io.IOException;
import java.io.Writer;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/** The report as one self-contained HTML page (plots and thumbnails inlined) for the browser. */
public final class HtmlReport {

    private HtmlReport() {
    }

    public static void write(Report r, List<ReportDocument.Block> blocks, Writer w) throws IOException {
        Html h = new Html(w);
        h.raw("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>");
        h.text("Audit report: " + r.project().name());
        h.raw("</title><style>body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px;color:#222}"
                + "table{border-collapse:collapse;margin:.5em 0 1.5em;font-size:13px}td,th{border:1px solid #ccc;"
                + "padding:3px 6px;text-align:left;vertical-align:top;white-space:pre-line}th{background:#f0f0f0}"
                + ".bad{color:#b00020;font-weight:bold}.ok{color:#1b5e20;font-weight:bold}figure{display:inline-block;"
                + "margin:4px;font-size:11px;vertical-align:top}figure.small{width:130px}"
                + "figure.small img{width:112px;image-rendering:pixelated}</style></head><body>\n");
        for (ReportDocument.Block b : blocks) {
            if (b instanceof ReportDocument.Heading x) {
                if (x.level() == 2) {
                    // sections can be linked to: #reviewed-rows, #verdicts-5, …
                    h.raw("<h2 id=\"" + anchor(x.text()) + "\">");
                    h.text(x.text());
                    h.raw("</h2>\n");
                } else {
                    h.tag("h" + x.level(), x.text());
                }
            } else if (b instanceof ReportDocument.Paragraph x) {
                h.tag("p", x.text());
            } else if (b instanceof ReportDocument.Status x) {
                h.raw("<p class=\"" + (x.good() ? "ok" : "bad") + "\" id=\"chain-status\">");
                h.text(x.text());
                h.raw("</p>\n");
            } else if (b instanceof ReportDocument.Table x) {
                h.table(x.hasHead() ? x.head() : List.of(), x.rows());
            } else if (b instanceof ReportDocument.Figures x) {
                for (ReportDocument.Figure f : x.figures()) {
                    h.raw("<figure" + (x.small() ? " class=\"small\"" : "") + "><img alt=\"");
                    h.text(f.caption());
                    h.raw("\" src=\"data:image/png;base64," + Base64.getEncoder().encodeToString(f.png())
                            + "\"><figcaption>");
                    h.text(f.caption());
                    h.raw("</figcaption></figure>\n");
                }
            }
        }
        h.raw("</body></html>\n");
    }

    /** A heading's anchor: its letters and digits in lower case, runs of anything else as one '-'. */
    static String anchor(String heading) {
        return heading.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", "-").replaceAll("^-|-$", "");
    }

    /** Escaping writer. */
    private static final class Html {
        private final Writer w;

        Html(Writer w) {
            this.w = w;
        }

        void raw(String s) throws IOException {
            w.write(s);
        }

        void text(String s) throws IOException {
            if (s == null) {
                return;
            }
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '<' -> w.write("&lt;");
                    case '>' -> w.write("&gt;");
                    case '&' -> w.write("&amp;");
                    case '"' -> w.write("&quot;");
                    case '\'' -> w.write("&#39;");
                    default -> w.write(c);
                }
            }
        }

        void tag(String tag, String s) throws IOException {
            raw("<" + tag + ">");
            text(s);
            raw("</" + tag + ">\n");
        }

        void para(String s) throws IOException {
            tag("p", s);
        }

        void table(List<String> head, List<List<Object>> rows) throws IOException {
            if (rows.isEmpty()) {
                raw("<p><em>None.</em></p>\n");
                return;
            }
            raw("<table>");
            if (!head.isEmpty()) {
                raw("<thead><tr>");
                for (String c : head) {
                    tag("th", c);
                }
                raw("</tr></thead>");
            }
            raw("<tbody>\n");
            for (List<Object> row : rows) {
                raw("<tr>");
                for (Object c : row) {
                    raw("<td>");
                    text(c == null ? "–" : String.valueOf(c));
                    raw("</td>");
                }
                raw("</tr>\n");
            }
            raw("</tbody></table>\n");
        }
    }
}
