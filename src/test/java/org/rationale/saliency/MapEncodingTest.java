package org.rationale.saliency;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MapEncodingTest {

    @Test
    void roundTripsWithinHalfPrecision() {
        Random r = new Random(1);
        float[] v = new float[784];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(8) - 5));
        }
        float[] back = MapEncoding.decode(MapEncoding.NAME, MapEncoding.encode(v), v.length);
        for (int i = 0; i < v.length; i++) {
            if (Math.abs(v[i]) > 6.2e-5) { // normal halves: relative error at most 2^-11
                assertEquals(v[i], back[i], Math.abs(v[i]) * 0x1p-11, "value " + i);
            } else { // subnormal halves: absolute error at most 2^-25
                assertEquals(v[i], back[i], 0x1p-25, "value " + i);
            }
        }
    }

    @Test
    void keepsSpecialValues() {
        float[] v = {0f, -0f, 65504f, 1e6f, -1e6f, Float.NaN, 1f, -2.5f};
        float[] back = MapEncoding.decode(MapEncoding.NAME, MapEncoding.encode(v), v.length);
        assertEquals(65504f, back[2]);
        assertEquals(Float.POSITIVE_INFINITY, back[3]);
        assertEquals(Float.NEGATIVE_INFINITY, back[4]);
        assertTrue(Float.isNaN(back[5]));
        assertEquals(-2.5f, back[7]);
    }

    @Test
    void truncatedDataIsAnErrorNotAHang() {
        for (String encoding : new String[] {MapEncoding.NAME, MapEncoding.DEFLATED}) {
            float[] zeros = new float[784];
            byte[] data = encoding.equals(MapEncoding.NAME) ? MapEncoding.encode(zeros) : MapEncoding.deflated(zeros);
            byte[] cut = Arrays.copyOf(data, data.length / 2);
            assertThrows(IllegalArgumentException.class, () -> MapEncoding.decode(encoding, cut, 784), encoding);
        }
    }

    @Test
    void readsMapsDeflatedByEarlierVersionsAsTheSameValues() {
        Random r = new Random(2);
        float[] v = new float[784];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        float[] old = MapEncoding.decode(MapEncoding.DEFLATED, MapEncoding.deflated(v), v.length);
        float[] now = MapEncoding.decode(MapEncoding.NAME, MapEncoding.encode(v), v.length);
        Assertions.assertArrayEquals(old, now);
        Assertions.assertArrayEquals(MapEncoding.rounded(v), now);
    }

    @Test
    void rejectsAnUnknownEncoding() {
        var e = assertThrows(IllegalArgumentException.class, () -> MapEncoding.decode("png", new byte[4], 2));
        assertTrue(e.getMessage().contains("unknown map encoding"), e.getMessage());
    }
}
