package org.rationale.report;

import org.rationale.review.ReviewService;
import org.rationale.saliency.MapRendering;
import jakarta.enterprise.context.ApplicationScoped;
import org.rationale.saliency.SaliencyService;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The judged maps the PDF and HTML reports show as thumbnails, and how each is drawn: the map over
 * its image as the review canvas shows it, with the sample's painted masks outlined in the review
 * canvas's colours (relevant green, shortcut pink).
 */
@ApplicationScoped
public class ReportThumbnails {

    /** Thumbnails in the PDF and HTML reports. */
    static final int COUNT = 12;
    /** Outline colours, as on the review canvas. */
    static final int RELEVANT_RGB = 0x28dc5a;
    static final int SHORTCUT_RGB = 0xff2878;
    /** What the outlines mean, for the report's text. */
    static final String LEGEND = "Painted masks are outlined: relevant (what should matter) in green, "
            + "shortcut (what must not) in pink.";

    private final SaliencyService saliency;
    private final ReviewService reviews;

    ReportThumbnails(SaliencyService saliency, ReviewService reviews) {
        this.saliency = saliency;
        this.reviews = reviews;
    }

    /**
     * Thumbnails of a sample of the report's decisions, by map id (a map that cannot be drawn is left
     * out); none for a project of table rows.
     */
    public Map<Long, byte[]> of(Report report) {
        Map<Long, byte[]> thumbs = new LinkedHashMap<>();
        if (ReportDocument.tabular(report)) {
            return thumbs; // rows have no image: the report lists their attributions instead
        }
        for (Report.Verdict v : sampleOfDecisions(report.verdicts(), COUNT)) {
            thumbnail(v.saliencyMapId()).ifPresent(png -> thumbs.put(v.saliencyMapId(),
                    withMasks(png, reviews.annotations(v.sampleId()))));
        }
        return thumbs;
    }

    /** A thumbnail of a judged map over its image. */
    public Optional<byte[]> thumbnail(long mapId) {
        return saliency.overlayPng(mapId, MapRendering.REVIEW.opacity(), 4);
    }

    /** The thumbnail with the painted masks (image resolution) outlined on it; as it is when none is painted. */
    static byte[] withMasks(byte[] png, List<ReviewService.Annotation> masks) {
        List<ReviewService.Annotation> painted = masks.stream().filter(a -> a.pixels() > 0 && a.mask() != null
                && a.mask().length == a.width() * a.height()).toList();
        if (painted.isEmpty()) {
            return png;
        }
        try {
            BufferedImage read = ImageIO.read(new ByteArrayInputStream(png));
            BufferedImage thumb = new BufferedImage(read.getWidth(), read.getHeight(), BufferedImage.TYPE_INT_RGB);
            thumb.getGraphics().drawImage(read, 0, 0, null);
            for (ReviewService.Annotation a : painted) {
                outline(thumb, a.mask(), a.width(), a.height(), a.kind().equals("shortcut") ? SHORTCUT_RGB : RELEVANT_RGB);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(thumb, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Where an image's pixel lands on a thumbnail: the thumbnail's rectangle {@code [x0, x1) × [y0, y1)}
     * covering image pixel (x, y). The thumbnail is the map drawn over the image, so its pixels
     * stretch the image's evenly; a thumbnail laid out otherwise (a map at another size, drawn with
     * a margin) changes only this.
     */
    static int[] place(int x, int y, int imageWidth, int imageHeight, int thumbWidth, int thumbHeight) {
        return new int[] {(int) ((long) x * thumbWidth / imageWidth), (int) ((long) y * thumbHeight / imageHeight),
                (int) ((long) (x + 1) * thumbWidth / imageWidth), (int) ((long) (y + 1) * thumbHeight / imageHeight)};
    }

    /**
     * Draws the border of a mask: on each masked pixel, the sides that face an unmasked pixel or
     * the image's edge, as lines inside that pixel's rectangle (a quarter of it wide, at least one
     * thumbnail pixel), so the map under the mask stays visible.
     */
    static void outline(BufferedImage thumb, byte[] mask, int width, int height, int rgb) {
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                if (mask[y * width + x] == 0) {
                    continue;
                }
                int[] r = place(x, y, width, height, thumb.getWidth(), thumb.getHeight());
                int line = Math.max(1, Math.min(r[2] - r[0], r[3] - r[1]) / 4);
                if (x == 0 || mask[y * width + x - 1] == 0) {
                    fill(thumb, r[0], r[1], r[0] + line, r[3], rgb);
                }
                if (x == width - 1 || mask[y * width + x + 1] == 0) {
                    fill(thumb, r[2] - line, r[1], r[2], r[3], rgb);
                }
                if (y == 0 || mask[(y - 1) * width + x] == 0) {
                    fill(thumb, r[0], r[1], r[2], r[1] + line, rgb);
                }
                if (y == height - 1 || mask[(y + 1) * width + x] == 0) {
                    fill(thumb, r[0], r[3] - line, r[2], r[3], rgb);
                }
            }
        }
    }

    private static void fill(BufferedImage img, int x0, int y0, int x1, int y1, int rgb) {
        for (int y = Math.max(0, y0); y < Math.min(img.getHeight(), y1); y++) {
            for (int x = Math.max(0, x0); x < Math.min(img.getWidth(), x1); x++) {
                img.setRGB(x, y, rgb);
            }
        }
    }

    /** The decisions shown as thumbnails: up to {@code n}, rejections first, the rest spread over time. */
    public static List<Report.Verdict> sampleOfDecisions(List<Report.Verdict> verdicts, int n) {
        List<Report.Verdict> out = new ArrayList<>();
        List<Report.Verdict> rejected = verdicts.stream().filter(v -> v.verdict().equals("reject")).toList();
        List<Report.Verdict> others = verdicts.stream().filter(v -> !v.verdict().equals("reject")).toList();
        spread(rejected, Math.min(n / 2, rejected.size()), out);
        spread(others, Math.min(n - out.size(), others.size()), out);
        if (out.size() < n) {
            spread(rejected.stream().filter(v -> !out.contains(v)).toList(), n - out.size(), out);
        }
        return out;
    }

    private static void spread(List<Report.Verdict> from, int k, List<Report.Verdict> into) {
        for (int i = 0; i < k && i < from.size(); i++) {
            into.add(from.get((int) ((long) i * from.size() / k)));
        }
    }
}
