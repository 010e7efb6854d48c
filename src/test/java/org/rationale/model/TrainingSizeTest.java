package org.rationale.model;

import org.junit.jupiter.api.Test;
import org.rationale.dataset.DatasetService;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The size and channels the platform's CNN trains at, chosen from the split's images. */
class TrainingSizeTest {

    private static DatasetService.LabelledPixels image(int w, int h, int channels) {
        return new DatasetService.LabelledPixels(1, 0, w, h, channels, new byte[w * h * channels]);
    }

    private static String size(List<DatasetService.LabelledPixels> images) {
        InputSpec s = TrainingService.trainingSpec("cnn", images, List.of("a", "b"));
        return s.channels() + "x" + s.height() + "x" + s.width() + " " + s.fit();
    }

    @Test
    void imagesOfOneSizeTrainAtThatSize() {
        assertEquals("1x28x28 center-crop", size(List.of(image(28, 28, 1), image(28, 28, 1))));
        assertEquals("3x200x100 center-crop", size(List.of(image(100, 200, 3))));
    }

    @Test
    void imagesOfManySizesTrainOnASquareOfTheSmallestSideUpTo128() {
        assertEquals("3x96x96 center-crop", size(List.of(image(451, 300, 3), image(96, 120, 1))));
        assertEquals("3x128x128 center-crop", size(List.of(image(451, 300, 3), image(512, 512, 3))));
        assertEquals("1x128x128 center-crop", size(List.of(image(512, 512, 1))));
    }
}
