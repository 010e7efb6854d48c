package org.rationale.model;

import org.rationale.dataset.Split;

import java.time.OffsetDateTime;
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

    /**
     * The shortcut masks of {@link #of} that were last painted before a time: the feedback a
     * retraining had before a round's reviews (a mask repainted since is left out).
     */
    List<Mask> paintedBefore(long projectId, Split split, OffsetDateTime before);

    /** How many samples of a split of the project have a non-empty shortcut mask. */
    int count(long projectId, Split split);
}
