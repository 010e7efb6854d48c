package org.rationale.model;

import org.rationale.dataset.Split;

import java.util.List;

/**
 * The experts' {@code shortcut} masks that a training takes as feedback. The review package, which
 * owns the annotations and depends on this one, provides them.
 */
public interface ShortcutMasks {

    /** A non-empty shortcut mask of a sample, one byte per pixel. */
    record Mask(long sampleId, byte[] mask) {
    }

    /** Every non-empty shortcut mask on the samples of a split of the project, by sample id. */
    List<Mask> of(long projectId, Split split);

    /** How many samples of a split of the project have a non-empty shortcut mask. */
    int count(long projectId, Split split);
}
