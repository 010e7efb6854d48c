package org.rationale.imaging;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.rationale.error.Invalid;
import org.rationale.error.TooLarge;
import org.rationale.testing.Fixtures;

import java.awt.image.BufferedImage;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageCodecTest {

    @Test
    void grayPngRoundTripsEveryPixel() {
        byte[] px = new byte[37 * 23];
        new Random(1).nextBytes(px);
        byte[] png = ImageCodec.encodePng(37, 23, 1, px);
        BufferedImage back = Fixtures.decode(png);
        assertEquals(BufferedImage.TYPE_BYTE_GRAY, back.getType());
        ImageCodec.Pixels decoded = ImageCodec.decodePng(png);
        assertEquals(1, decoded.channels());
        assertArrayEquals(px, decoded.data());
    }

    @Test
    void rgbPngRoundTripsEveryPixel() {
        byte[] px = new byte[19 * 41 * 3];
        new Random(2).nextBytes(px);
        ImageCodec.Pixels decoded = ImageCodec.decodePng(ImageCodec.encodePng(19, 41, 3, px));
        assertEquals(3, decoded.channels());
        assertEquals(19, decoded.width());
        assertEquals(41, decoded.height());
        assertArrayEquals(px, decoded.data());
    }

    @Test
    void decodesRgbPngToTheSamePixelsImageIoSees() {
        BufferedImage img = Fixtures.rgbImage(30, 20, 3);
        ImageCodec.Pixels px = ImageCodec.decode(Fixtures.encode(img, "png"), "a.png", 1_000_000);
        assertEquals(3, px.channels());
        int rgb = img.getRGB(7, 5);
        int o = (5 * 30 + 7) * 3;
        assertEquals((rgb >>> 16) & 0xff, px.data()[o] & 0xff);
        assertEquals((rgb >>> 8) & 0xff, px.data()[o + 1] & 0xff);
        assertEquals(rgb & 0xff, px.data()[o + 2] & 0xff);
    }

    @Test
    void keepsGrayJpegAsOneChannel() {
        ImageCodec.Pixels px = ImageCodec.decode(Fixtures.encode(Fixtures.grayImage(17, 9, 4), "jpg"), "b.jpg", 1_000_000);
        assertEquals(1, px.channels());
        assertEquals(17 * 9, px.data().length);
    }

    @Test
    void refusesImageOverPixelLimitBeforeDecoding() {
        byte[] png = ImageCodec.encodePng(100, 100, 1, new byte[10_000]);
        var e = assertThrows(TooLarge.class, () -> ImageCodec.decode(png, "big.png", 9_999));
        assertTrue(e.getMessage().contains("too large"), e.getMessage());
    }

    @Test
    void refusesBytesThatAreNotAnImage() {
        var e = assertThrows(Invalid.class,
                () -> ImageCodec.decode("hello".getBytes(), "notes.txt", 1000));
        assertTrue(e.getMessage().startsWith("Not an image"), e.getMessage());
    }

    @Test
    void fastPngPathAgreesWithImageIoOnEveryRowFilter() {
        // ImageIO's own PNG writer picks filters per row (Sub, Up, Average, Paeth)
        for (BufferedImage img : new BufferedImage[] {Fixtures.rgbImage(33, 17, 5), Fixtures.grayImage(29, 31, 6)}) {
            byte[] png = Fixtures.encode(img, "png");
            ImageCodec.Pixels fast = ImageCodec.decodeSimplePng(png);
            Assertions.assertNotNull(fast);
            assertArrayEquals(ImageCodec.toPixels(Fixtures.decode(png)).data(), fast.data());
        }
        byte[] mine = ImageCodec.encodePng(3, 2, 1, new byte[] {1, 2, 3, 4, 5, 6});
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6}, ImageCodec.decodeSimplePng(mine).data());
        Assertions.assertNull(ImageCodec.decodeSimplePng("not a png".getBytes()));
    }
}
