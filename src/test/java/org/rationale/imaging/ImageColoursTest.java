package org.rationale.imaging;

import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The colour conversions of the import as the README documents them: gray stays one channel,
 * colour becomes RGB, alpha is dropped (the colour kept as stored, not blended), palettes expanded,
 * 16-bit gray scaled to 8 bits.
 */
class ImageColoursTest {

    @Test
    void grayStaysOneChannel() {
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setSample(0, 0, 0, 7);
        img.getRaster().setSample(1, 0, 0, 200);
        ImageCodec.Pixels px = ImageCodec.toPixels(img);
        assertEquals(1, px.channels());
        assertArrayEquals(new byte[] {7, (byte) 200}, px.data());
    }

    @Test
    void sixteenBitGrayIsScaledToEightBits() {
        BufferedImage img = new BufferedImage(1, 1, BufferedImage.TYPE_USHORT_GRAY);
        img.getRaster().setSample(0, 0, 0, 0xABCD);
        assertArrayEquals(new byte[] {(byte) 0xAB}, ImageCodec.toPixels(img).data());
    }

    @Test
    void alphaIsDroppedKeepingTheStoredColour() {
        BufferedImage img = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB);
        img.setRGB(0, 0, 0x40_10_80_F0); // a quarter opaque
        ImageCodec.Pixels px = ImageCodec.toPixels(img);
        assertEquals(3, px.channels());
        assertArrayEquals(new byte[] {0x10, (byte) 0x80, (byte) 0xF0}, px.data());
    }

    @Test
    void paletteIsExpandedToRgb() {
        byte[] r = {0, (byte) 255};
        byte[] g = {0, 64};
        byte[] b = {0, 32};
        IndexColorModel palette = new IndexColorModel(1, 2, r, g, b);
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_BINARY, palette);
        WritableRaster raster = img.getRaster();
        raster.setSample(1, 0, 0, 1);
        ImageCodec.Pixels px = ImageCodec.toPixels(img);
        assertEquals(3, px.channels());
        assertArrayEquals(new byte[] {0, 0, 0, (byte) 255, 64, 32}, px.data());
    }

    @Test
    void grayPaletteIsExpandedToRgbToo() {
        byte[] v = {10, (byte) 250};
        BufferedImage img = new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_BINARY, new IndexColorModel(1, 2, v, v, v));
        img.getRaster().setSample(0, 0, 0, 1);
        assertArrayEquals(new byte[] {(byte) 250, (byte) 250, (byte) 250}, ImageCodec.toPixels(img).data());
    }
}
