package org.rationale.demo;

import org.rationale.dataset.LabelledImage;
import org.rationale.dataset.SampleSource;

import java.util.Random;

/**
 * Fashion-MNIST with three kinds of shortcut, each in its own place and tied to some classes only,
 * on part of the training images (the benchmark's second dataset):
 * <ul>
 * <li>classes 0–2 (T-shirt, Trouser, Pullover): a 4×4 patch in the top-left corner;</li>
 * <li>classes 3–5 (Dress, Coat, Sandal): a 2×12 stripe along the right edge;</li>
 * <li>classes 6–9 (Shirt, Sneaker, Bag, Ankle boot): a 5×5 cross, a "watermark", at the bottom
 *     centre, on black so that it stands out on a garment as on the background.</li>
 * </ul>
 * The shade of the mark encodes the label within its group ({@link #shade}). In training a share
 * of the images carry their class's mark; in test every image carries the mark of a random class,
 * so a model that learnt the marks is misled there. Each marked sample records its mark's box as
 * the known shortcut (used only by the simulated expert).
 */
public final class MixedShortcutsFashionMnist extends MarkedFashionMnist {

    /** The kinds of mark, in the order of the class groups. */
    public enum Mark {
        CORNER(0, 0, 4, 4), STRIPE(26, 8, 2, 12), WATERMARK(11, 23, 5, 5);

        final int x;
        final int y;
        final int width;
        final int height;

        Mark(int x, int y, int width, int height) {
            this.x = x;
            this.y = y;
            this.width = width;
            this.height = height;
        }

        public LabelledImage.Box box() {
            return new LabelledImage.Box(x, y, width, height);
        }

        /** Whether the mark's shade covers pixel (px, py) of its box (the watermark is a cross, black around it). */
        boolean covers(int px, int py) {
            return this != WATERMARK || px - x == width / 2 || py - y == height / 2;
        }
    }

    private final boolean training;
    private final double share;
    private final Random random;

    /**
     * @param images   plain Fashion-MNIST (one channel, 28×28)
     * @param training true for training (a share of images marked by their label), false for test
     *                 (all marked by a random label)
     * @param share    share of training images that carry their mark
     * @param seed     seed of the choices
     */
    public MixedShortcutsFashionMnist(SampleSource images, boolean training, double share, long seed) {
        super(images);
        this.training = training;
        this.share = share;
        this.random = new Random(seed);
    }

    /** The mark of a class. */
    public static Mark markOf(int label) {
        return label <= 2 ? Mark.CORNER : label <= 5 ? Mark.STRIPE : Mark.WATERMARK;
    }

    /** Shade of a class's mark: bright for the group's first class, darker for the next ones. */
    public static int shade(int label) {
        int first = label <= 2 ? 0 : label <= 5 ? 3 : 6;
        return 255 - 60 * (label - first);
    }

    @Override
    public String format() {
        return "mixed-shortcuts-idx";
    }

    @Override
    LabelledImage mark(LabelledImage img) {
        if (img.channels() != 1 || img.width() != 28 || img.height() != 28) {
            throw new IllegalStateException("Mixed shortcuts need 28x28 gray images");
        }
        boolean marked = training ? random.nextDouble() < share : true;
        int code = training ? img.label() : random.nextInt(10);
        if (!marked) {
            random.nextInt(10);
            return img;
        }
        Mark mark = markOf(code);
        byte[] px = img.pixels().clone();
        for (int dy = 0; dy < mark.height; dy++) {
            for (int dx = 0; dx < mark.width; dx++) {
                px[(mark.y + dy) * 28 + mark.x + dx] = (byte) (mark.covers(mark.x + dx, mark.y + dy) ? shade(code) : 0);
            }
        }
        return new LabelledImage(28, 28, 1, px, img.label(), img.source(), mark.box());
    }
}
