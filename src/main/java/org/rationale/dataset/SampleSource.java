package org.rationale.dataset;

import java.io.Closeable;
import java.util.Iterator;
import java.util.List;

/**
 * A dataset being read: its class names and a one-pass stream of decoded images. Readers check
 * what they can up front (headers, counts, entry names) and throw {@link InvalidDatasetException}
 * as soon as something is wrong, so the import that consumes them stores nothing.
 */
public interface SampleSource extends Iterator<LabelledImage>, Closeable {

    /** Dataset format as stored: {@code idx}, {@code image-folder}, {@code decoy-idx}. */
    String format();

    /**
     * Names of the labels this source uses, by its own label index. {@link LabelKind#NAMED} sources
     * (folders) are mapped onto the project's labels by name; {@link LabelKind#NUMERIC} ones (IDX)
     * keep their numbers.
     */
    List<String> classNames();

    LabelKind labelKind();

    /** Number of samples when known before reading, else -1. */
    int expectedCount();

    /** How labels of a source relate to the project's labels. */
    enum LabelKind { NUMERIC, NAMED }
}
