package org.rationale.report;

import org.rationale.saliency.MapRendering;
import jakarta.enterprise.context.ApplicationScoped;
import org.rationale.saliency.SaliencyService;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The judged maps the PDF and HTML reports show as thumbnails, and how each is drawn. */
@ApplicationScoped
public class ReportThumbnails {

    /** Thumbnails in the PDF and HTML reports. */
    static final int COUNT = 12;

    private final SaliencyService saliency;

    ReportThumbnails(SaliencyService saliency) {
        this.saliency = saliency;
    }

    /** Thumbnails of a sample of the report's decisions, by map id (a map that cannot be drawn is left out). */
    public Map<Long, byte[]> of(Report report) {
        Map<Long, byte[]> thumbs = new LinkedHashMap<>();
        for (Report.Verdict v : sampleOfDecisions(report.verdicts(), COUNT)) {
            thumbnail(v.saliencyMapId()).ifPresent(png -> thumbs.put(v.saliencyMapId(), png));
        }
        return thumbs;
    }

    /** A thumbnail of a judged map over its image. */
    public Optional<byte[]> thumbnail(long mapId) {
        return saliency.overlayPng(mapId, MapRendering.REVIEW.opacity(), 4);
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
