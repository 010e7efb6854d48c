package org.rationale.dataset;

import org.rationale.imaging.ImageCodec;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;

/** Scales pixels down for the browser's thumbnails: halving steps, then bilinear, so photos do not shimmer. */
final class Thumbnail {

    private Thumbnail() {
    }

    /** The pixels scaled so that the longer edge is {@code size} (the aspect kept, at least one pixel a side). */
    static ImageCodec.Pixels fit(ImageCodec.Pixels px, int size) {
        double scale = (double) size / Math.max(px.width(), px.height());
        int w = Math.max(1, (int) Math.round(px.width() * scale));
        int h = Math.max(1, (int) Math.round(px.height() * scale));
        int type = px.channels() == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR;
        BufferedImage img = new BufferedImage(px.width(), px.height(), type);
        byte[] raster = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        if (px.channels() == 1) {
            System.arraycopy(px.data(), 0, raster, 0, raster.length);
        } else {
            byte[] d = px.data();
            for (int i = 0; i < d.length; i += 3) {
                raster[i] = d[i + 2];
                raster[i + 1] = d[i + 1];
                raster[i + 2] = d[i];
            }
        }
        while (img.getWidth() / 2 >= w && img.getHeight() / 2 >= h) {
            img = draw(img, img.getWidth() / 2, img.getHeight() / 2, type);
        }
        img = draw(img, w, h, type);
        byte[] out = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        byte[] data = new byte[w * h * px.channels()];
        if (px.channels() == 1) {
            System.arraycopy(out, 0, data, 0, data.length);
        } else {
            for (int i = 0; i < data.length; i += 3) {
                data[i] = out[i + 2];
                data[i + 1] = out[i + 1];
                data[i + 2] = out[i];
            }
        }
        return new ImageCodec.Pixels(w, h, px.channels(), data);
    }

    private static BufferedImage draw(BufferedImage from, int w, int h, int type) {
        BufferedImage to = new BufferedImage(w, h, type);
        Graphics2D g = to.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(from, 0, 0, w, h, null);
        } finally {
            g.dispose();
        }
        return to;
    }
}
