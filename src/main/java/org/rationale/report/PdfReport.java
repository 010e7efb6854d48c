package org.rationale.report;

import com.lowagie.text.Chunk;
import com.lowagie.text.Document;
import com.lowagie.text.DocumentException;
import com.lowagie.text.Element;
import com.lowagie.text.Font;
import com.lowagie.text.HeaderFooter;
import com.lowagie.text.Image;
import com.lowagie.text.PageSize;
import com.lowagie.text.Paragraph;
import com.lowagie.text.Phrase;
import com.lowagie.text.pdf.BaseFont;
import com.lowagie.text.pdf.PdfPCell;
import com.lowagie.text.pdf.PdfPTable;
import com.lowagie.text.pdf.PdfWriter;

import java.awt.Color;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The report as a PDF for people: A4, an embedded Unicode font (Liberation Sans), tables that
 * repeat their header on every page, the learning curves and heatmap thumbnails of a sample of the
 * decisions. Made with OpenPDF.
 */
public final class PdfReport {

    private static final Color HEADER = new Color(0xEE, 0xEE, 0xEE);
    private static final Color GOOD = new Color(0x1B, 0x5E, 0x20);
    private static final Color BAD = new Color(0xB0, 0x00, 0x20);
    private static volatile BaseFont regular;
    private static volatile BaseFont bold;

    private PdfReport() {
    }

    private static BaseFont font(String resource) {
        try (InputStream in = PdfReport.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Font " + resource + " is missing from the classpath");
            }
            return BaseFont.createFont(resource, BaseFont.IDENTITY_H, BaseFont.EMBEDDED, true, in.readAllBytes(), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static synchronized void loadFonts() {
        if (regular == null) {
            bold = font("liberation/LiberationSans-Bold.ttf");
            regular = font("liberation/LiberationSans-Regular.ttf");
        }
    }

    /**
     * Column widths from the text itself, measured in the font. Each column gets at least its
     * longest word (up to 110 pt); when the page cannot give every column that, long tokens
     * (hashes, paths) give way first, down to 52 pt, so that numbers and ordinary words never break;
     * the room left goes to the columns whose full text wants it.
     */
    static float[] widths(ReportDocument.Table t, float total) {
        int n = t.head().size();
        float[] min = new float[n];
        float[] pref = new float[n];
        List<List<Object>> rows = t.rows().subList(0, Math.min(300, t.rows().size()));
        for (int i = 0; i < n; i++) {
            measure(bold, t.head().get(i), i, min, pref);
            for (List<Object> row : rows) {
                measure(regular, i < row.size() ? String.valueOf(row.get(i)) : "", i, min, pref);
            }
        }
        float[] hard = new float[n];
        for (int i = 0; i < n; i++) {
            min[i] += 2 * PADDING + SLACK;
            hard[i] = Math.min(min[i], 52 + 2 * PADDING + SLACK);
            pref[i] = Math.max(pref[i] + 2 * PADDING + SLACK, min[i]);
        }
        if (sum(pref) <= total) {
            return pref;
        }
        float[] floor = sum(min) <= total ? min : hard;
        float[] target = sum(min) <= total ? pref : min;
        float room = total - sum(floor);
        float want = sum(target) - sum(floor);
        if (room <= 0 || want <= 0) {
            return floor;
        }
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = floor[i] + room * (target[i] - floor[i]) / want;
        }
        return w;
    }

    private static float sum(float[] v) {
        float s = 0;
        for (float x : v) {
            s += x;
        }
        return s;
    }

    /** Points a cell needs beyond its text and padding, so that a word that just fits is not wrapped. */
    private static final float SLACK = 2f;
    private static final float TABLE_FONT = 7;
    private static final float PADDING = 2.5f;

    private static void measure(BaseFont font, String text, int i, float[] min, float[] pref) {
        for (String word : text.split("\\s+")) {
            min[i] = Math.max(min[i], Math.min(110, font.getWidthPoint(word, TABLE_FONT)));
        }
        pref[i] = Math.max(pref[i], Math.min(260, font.getWidthPoint(text, TABLE_FONT)));
    }

    public static void write(Report r, List<ReportDocument.Block> blocks, OutputStream out) {
        loadFonts();
        Font body = new Font(regular, 9);
        Font small = new Font(regular, TABLE_FONT);
        Font smallBold = new Font(bold, TABLE_FONT);
        Document doc = new Document(PageSize.A4, 36, 36, 40, 40);
        try {
            PdfWriter writer = PdfWriter.getInstance(doc, out);
            writer.setFullCompression();
            doc.addTitle("Audit report: " + r.project().name());
            doc.addCreator("Rationale");
            doc.addAuthor(r.generatedBy());
            HeaderFooter footer = new HeaderFooter(new Phrase("Rationale audit report · " + r.project().name()
                    + " · chain head " + r.audit().headHash().substring(0, 16) + "… · page ", small), true);
            footer.setAlignment(Element.ALIGN_CENTER);
            footer.setBorder(0);
            doc.setFooter(footer);
            doc.open();
            for (ReportDocument.Block b : blocks) {
                if (b instanceof ReportDocument.Heading x) {
                    if (x.level() > 1 && writer.getVerticalPosition(true) - doc.bottomMargin() < 140) {
                        doc.newPage();
                    }
                    Paragraph p = new Paragraph(x.text(), new Font(bold, x.level() == 1 ? 18 : x.level() == 2 ? 13 : 10.5f));
                    p.setSpacingBefore(x.level() == 1 ? 0 : 10);
                    p.setSpacingAfter(4);
                    doc.add(p);
                } else if (b instanceof ReportDocument.Paragraph x) {
                    Paragraph p = new Paragraph(x.text(), body);
                    p.setSpacingAfter(4);
                    doc.add(p);
                } else if (b instanceof ReportDocument.Status x) {
                    Font f = new Font(bold, 12);
                    f.setColor(x.good() ? GOOD : BAD);
                    doc.add(new Paragraph(x.text(), f));
                } else if (b instanceof ReportDocument.Table x) {
                    if (x.rows().isEmpty()) {
                        doc.add(new Paragraph("None.", body));
                        continue;
                    }
                    PdfPTable t = new PdfPTable(widths(x, doc.getPageSize().getWidth() - doc.leftMargin()
                            - doc.rightMargin()));
                    t.setWidthPercentage(100);
                    t.setHeaderRows(x.hasHead() ? 1 : 0);
                    t.setSpacingBefore(2);
                    t.setSpacingAfter(8);
                    for (String h : x.hasHead() ? x.head() : List.<String>of()) {
                        PdfPCell c = new PdfPCell(new Phrase(h, smallBold));
                        c.setBackgroundColor(HEADER);
                        c.setPadding(PADDING);
                        t.addCell(c);
                    }
                    for (List<Object> row : x.rows()) {
                        for (Object cell : row) {
                            PdfPCell c = new PdfPCell(new Phrase(cell == null ? "–" : String.valueOf(cell), small));
                            c.setPadding(PADDING);
                            t.addCell(c);
                        }
                    }
                    doc.add(t);
                } else if (b instanceof ReportDocument.Figures x) {
                    int columns = x.small() ? 4 : 2;
                    PdfPTable t = new PdfPTable(columns);
                    t.setWidthPercentage(100);
                    t.getDefaultCell().setBorder(0);
                    t.setSpacingAfter(8);
                    for (ReportDocument.Figure f : x.figures()) {
                        Image img = Image.getInstance(f.png());
                        PdfPCell c = new PdfPCell();
                        c.setBorder(0);
                        img.scaleToFit(x.small() ? 96 : 250, x.small() ? 96 : 160);
                        c.addElement(new Chunk(img, 0, 0, true));
                        c.addElement(new Paragraph(f.caption(), small));
                        t.addCell(c);
                    }
                    t.completeRow();
                    doc.add(t);
                }
            }
            doc.close();
        } catch (DocumentException | IOException e) {
            throw new IllegalStateException("Could not write the PDF report: " + e.getMessage(), e);
        }
    }
}
