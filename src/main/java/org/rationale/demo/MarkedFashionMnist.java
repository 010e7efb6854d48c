package org.rationale.demo;

import org.rationale.dataset.LabelledImage;
import org.rationale.dataset.SampleSource;

import java.io.IOException;
import java.util.List;

/**
 * Fashion-MNIST with shortcuts painted into its images as they stream by; a subclass decides
 * which images get which mark, and records the mark's box as the sample's known shortcut.
 */
abstract class MarkedFashionMnist implements SampleSource {

    private final SampleSource images;

    MarkedFashionMnist(SampleSource images) {
        this.images = images;
    }

    /** The image with its mark (or as it is), with the mark's box as its shortcut. */
    abstract LabelledImage mark(LabelledImage image);

    @Override
    public List<String> classNames() {
        return images.classNames();
    }

    @Override
    public LabelKind labelKind() {
        return images.labelKind();
    }

    @Override
    public int expectedCount() {
        return images.expectedCount();
    }

    @Override
    public boolean hasNext() {
        return images.hasNext();
    }

    @Override
    public LabelledImage next() {
        return mark(images.next());
    }

    @Override
    public void close() throws IOException {
        images.close();
    }
}
