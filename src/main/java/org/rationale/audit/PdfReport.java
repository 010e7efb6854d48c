package org.rationale.audit;

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

    /** Column widths after the longest text in each (header and the first 200 rows), within 4 to 40 characters. */
    static float[] widths(ReportDocument.Table t) {
        float[] w = new float[t.head().size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = Math.max(4, Math.min(40, longestWord(t.head().get(i))));
        }
        for (List<Object> row : t.rows().subList(0, Math.min(200, t.rows().size()))) {
            for (int i = 0; i < w.length && i < row.size(); i++) {
                w[i] = Math.max(w[i], Math.min(40, String.valueOf(row.get(i)).length()));
            }
        }
        return w;
    }

    private static int longestWord(String s) {
        int best = 0;
        for (String word : s.split("\\s+")) {
            best = Math.max(best, word.length());
        }
        return best;
    }

    public static void write(Report r, List<ReportDocument.Block> blocks, OutputStream out) {
        loadFonts();
        Font body = new Font(regular, 9);
        Font small = new Font(regular, 7);
        Font smallBold = new Font(bold, 7);
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
                    PdfPTable t = new PdfPTable(widths(x));
                    t.setWidthPercentage(100);
                    t.setHeaderRows(1);
                    t.setSpacingBefore(2);
                    t.setSpacingAfter(8);
                    for (String h : x.head()) {
                        PdfPCell c = new PdfPCell(new Phrase(h, smallBold));
                        c.setBackgroundColor(HEADER);
                        t.addCell(c);
                    }
                    for (List<Object> row : x.rows()) {
                        for (Object cell : row) {
                            t.addCell(new PdfPCell(new Phrase(cell == null ? "–" : String.valueOf(cell), small)));
                        }
                    }
                    doc.add(t);
                } else if (b instanceof ReportDocument.Figures x) {
                    int columns = x.small() ? 4 : 2;
                    PdfPTable t = new PdfPTable(columns);
                    t.setWidthPercentage(100);
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
