package org.rationale.report;

import java.io.ByteArrayInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LearningCurvePlotTest {

    @Test
    void ticksStepInOneTwoTwoAndAHalfOrFiveTimesAPowerOfTen() {
        assertEquals(10, LearningCurvePlot.niceStep(7.3), 1e-12);
        assertEquals(2, LearningCurvePlot.niceStep(1.6), 1e-12);
        assertEquals(2.5, LearningCurvePlot.niceStep(2.1), 1e-12);
        assertEquals(5, LearningCurvePlot.niceStep(5), 1e-12);
        assertEquals(0.005, LearningCurvePlot.niceStep(0.0041), 1e-15);
    }

    @Test
    void drawsASinglePointAndAFlatCurve() throws Exception {
        for (double[][] xy : List.of(new double[][] {{10}, {81.2}}, new double[][] {{0, 10, 20}, {50, 50, 50}})) {
            byte[] png = LearningCurvePlot.png("t", "reviewed samples", "accuracy %",
                    List.of(new LearningCurvePlot.Series("demo", xy[0], xy[1], false)), 640, 360);
            var img = ImageIO.read(new ByteArrayInputStream(png));
            assertEquals(640, img.getWidth());
            assertTrue(png.length > 1000);
        }
    }
}
