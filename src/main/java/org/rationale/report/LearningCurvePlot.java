package org.rationale.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A line chart as PNG, drawn with Java2D (headless): one line per series of (x, y) points, axes
 * with ticks, a legend. Used for learning curves (accuracy or shortcut mass against reviewed
 * samples) on the rounds page, in reports and in the benchmark.
 */
public final class LearningCurvePlot {

    /** The tick step nearest above {@code raw} among 1, 2, 2.5 and 5 times a power of ten. */
    static double niceStep(double raw) {
        double power = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * power >= raw * (1 - 1e-9)) {
                return m * power;
            }
        }
        return 10 * power;
    }

    /** Pixels between the frame and the first and last points, so that no point sits on the frame. */
    private static final int INSET = 8;

    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
            new Color(0x9467bd), new Color(0xff7f0e), new Color(0x8c564b), new Color(0x7f7f7f)};

    private LearningCurvePlot() {
    }

    /** A named line; {@code dashed} for reference levels. */
    public record Series(String name, double[] x, double[] y, boolean dashed) {
        public Series {
            if (x.length != y.length) {
                throw new IllegalArgumentException(name + ": " + x.length + " x values, " + y.length + " y values");
            }
        }
    }

    public static byte[] png(String title, String xLabel, String yLabel, List<Series> series, int width, int height) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            double minX = Double.MAX_VALUE;
            double maxX = -Double.MAX_VALUE;
            double minY = Double.MAX_VALUE;
            double maxY = -Double.MAX_VALUE;
            for (Series s : series) {
                for (int i = 0; i < s.x().length; i++) {
                    if (Double.isFinite(s.x()[i]) && Double.isFinite(s.y()[i])) {
                        minX = Math.min(minX, s.x()[i]);
                        maxX = Math.max(maxX, s.x()[i]);
                        minY = Math.min(minY, s.y()[i]);
                        maxY = Math.max(maxY, s.y()[i]);
                    }
                }
            }
            if (minX > maxX) {
                minX = 0;
                maxX = 1;
                minY = 0;
                maxY = 1;
            }
            // x counts reviewed samples: the axis starts at 0
            minX = Math.min(minX, 0);
            if (maxX == minX) {
                maxX = minX + 1;
            }
            boolean integral = true;
            for (Series s : series) {
                for (double x : s.x()) {
                    integral &= x == Math.rint(x);
                }
            }
            int xTicks = integral && maxX - minX < 5 ? (int) Math.max(1, maxX - minX) : 5;
            // a flat or single-point curve still gets a readable band around its value
            double pad = Math.max((maxY - minY) * 0.08, Math.max(Math.abs(maxY) * 0.05, 0.01));
            minY -= pad;
            maxY += pad;
            // round ticks: a step of 1, 2, 2.5 or 5 times a power of ten, the axis on whole steps
            double step = niceStep((maxY - minY) / 5);
            minY = Math.floor(minY / step) * step;
            maxY = Math.ceil(maxY / step) * step;
            int yTicks = (int) Math.max(1, Math.round((maxY - minY) / step));
            int decimals = (int) Math.max(0, Math.ceil(-Math.log10(step) + 1e-9) + (step / Math.pow(10,
                    Math.floor(Math.log10(step))) == 2.5 ? 1 : 0));
            int left = 64;
            int right = width - 16;
            int top = 36;
            int bottom = height - 48;
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            g.setColor(Color.BLACK);
            g.drawString(title, left, 22);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            g.setColor(new Color(0xdddddd));
            for (int t = 0; t <= yTicks; t++) {
                int y = bottom - (bottom - top) * t / yTicks;
                g.drawLine(left, y, right, y);
            }
            g.setColor(Color.BLACK);
            g.drawRect(left, top, right - left, bottom - top);
            for (int t = 0; t <= yTicks; t++) {
                double vy = minY + step * t;
                int y = bottom - (bottom - top) * t / yTicks;
                g.drawString(String.format(Locale.ROOT, "%." + decimals + "f", vy), 4, y + 4);
            }
            for (int t = 0; t <= xTicks; t++) {
                double vx = minX + (maxX - minX) * t / xTicks;
                int x = left + INSET + (right - left - 2 * INSET) * t / xTicks;
                g.drawLine(x, bottom, x, bottom + 4);
                g.drawString(integral || maxX - minX >= 5 ? String.format(Locale.ROOT, "%.0f", vx)
                        : String.format(Locale.ROOT, "%.2f", vx), x - 10, bottom + 16);
            }
            g.drawString(xLabel, (left + right) / 2 - xLabel.length() * 3, height - 10);
            g.drawString(yLabel, left, top - 4 + 0);
            int legendY = top + 14;
            g.setColor(new Color(255, 255, 255, 220));
            int legendWidth = 44;
            for (Series s : series) {
                legendWidth = Math.max(legendWidth, 44 + g.getFontMetrics().stringWidth(s.name()));
            }
            int legendLeft = right - legendWidth - 6;
            g.fillRect(legendLeft, top + 2, legendWidth + 4, 15 * series.size() + 4);
            for (int k = 0; k < series.size(); k++) {
                Series s = series.get(k);
                Color c = PALETTE[k % PALETTE.length];
                g.setColor(c);
                g.setStroke(s.dashed() ? new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10,
                        new float[] {6, 4}, 0) : new BasicStroke(2f));
                int px = -1;
                int py = -1;
                for (int i = 0; i < s.x().length; i++) {
                    if (!Double.isFinite(s.x()[i]) || !Double.isFinite(s.y()[i])) {
                        continue;
                    }
                    int x = left + INSET + (int) Math.round((s.x()[i] - minX) / (maxX - minX) * (right - left - 2 * INSET));
                    int y = bottom - (int) Math.round((s.y()[i] - minY) / (maxY - minY) * (bottom - top));
                    if (px >= 0) {
                        g.drawLine(px, py, x, y);
                    }
                    if (!s.dashed()) {
                        g.fillOval(x - 3, y - 3, 6, 6);
                    }
                    px = x;
                    py = y;
                }
                g.drawLine(legendLeft + 6, legendY - 4, legendLeft + 30, legendY - 4);
                g.setColor(Color.BLACK);
                g.drawString(s.name(), legendLeft + 36, legendY);
                legendY += 15;
            }
        } finally {
            g.dispose();
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(img, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
