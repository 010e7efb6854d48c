package org.rationale.demo;

import org.rationale.dataset.LabelledImage;
import org.rationale.dataset.SampleSource;

import java.util.List;
import java.util.Random;

/**
 * The decoy variant of Fashion-MNIST (Ross et al. 2017, "Right for the Right Reasons"): a 4x4
 * gray patch in a random corner of every image. In the training split its shade is
 * {@code 255 - 25 * label}, a shortcut a model learns; in the test split the shade comes from a
 * random label, so the shortcut does not help there. The patch is recorded as each sample's known
 * shortcut, which a simulated expert uses later.
 */
public final class DecoyFashionMnist extends MarkedFashionMnist {

    public static final int PATCH = 4;
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private final boolean training;
    private final Random random;

    /**
     * @param images   the plain Fashion-MNIST images (one channel)
     * @param training true for the training split (label-coded shade), false for test (random shade)
     * @param seed     seed of corner and shade choices
     */
    public DecoyFashionMnist(SampleSource images, boolean training, long seed) {
        super(images);
        this.training = training;
        this.random = new Random(seed);
    }

    /** Shade of the patch for a training sample of this label. */
    public static int trainingShade(int label) {
        return 255 - 25 * label;
    }

    @Override
    public String format() {
        return "decoy-idx";
    }

    @Override
    LabelledImage mark(LabelledImage img) {
        if (img.channels() != 1 || img.width() < PATCH || img.height() < PATCH) {
            throw new IllegalStateException("Decoy images need one channel and at least 4x4 pixels");
        }
        int corner = random.nextInt(4);
        int x = (corner & 1) == 0 ? 0 : img.width() - PATCH;
        int y = (corner & 2) == 0 ? 0 : img.height() - PATCH;
        int shade = training ? trainingShade(img.label()) : trainingShade(random.nextInt(10));
        byte[] px = img.pixels().clone();
        for (int dy = 0; dy < PATCH; dy++) {
            for (int dx = 0; dx < PATCH; dx++) {
                px[(y + dy) * img.width() + x + dx] = (byte) shade;
            }
        }
        return new LabelledImage(img.width(), img.height(), 1, px, img.label(), img.source(),
                new LabelledImage.Box(x, y, PATCH, PATCH));
    }
}
