package org.rationale.model;

import org.rationale.error.Invalid;
import org.rationale.dataset.DatasetService;

import java.util.List;
import java.util.Locale;

/**
 * What the experts said, as training uses it: images with the pixels they marked as shortcuts.
 * Each training batch carries up to {@code perBatch} of them (oversampled, so a few dozen reviewed
 * images weigh on every step), as
 * <ul>
 * <li>{@link Mode#RRR}: the originals with the "right for the right reasons" penalty
 *     λ·Σ(mask ⊙ ∂Σ log p/∂x)² on their input gradients (Ross et al. 2017);</li>
 * <li>{@link Mode#COUNTEREXAMPLES}: copies whose marked pixels are randomised afresh each time,
 *     label kept (Teso &amp; Kersting 2019);</li>
 * <li>{@link Mode#BOTH}: both.</li>
 * </ul>
 */
public record Feedback(Mode mode, double lambda, int perBatch, List<Example> examples) {

    /** How the feedback enters training. */
    public enum Mode {
        NONE, RRR, COUNTEREXAMPLES, BOTH;

        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Mode parse(String s) {
            if (s == null || s.isBlank()) {
                return RRR;
            }
            try {
                return valueOf(s.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new Invalid("Unknown feedback '" + s + "'", "Use none, rrr, counterexamples or both");
            }
        }

        boolean penalty() {
            return this == RRR || this == BOTH;
        }

        boolean counterexamples() {
            return this == COUNTEREXAMPLES || this == BOTH;
        }
    }

    /** A reviewed image and its shortcut mask (one byte per pixel, 0/1). */
    public record Example(DatasetService.LabelledPixels image, byte[] shortcut) {
        public Example {
            if (shortcut.length != image.width() * image.height()) {
                throw new IllegalArgumentException("mask of " + shortcut.length + " pixels for a " + image.width() + "x"
                        + image.height() + " image");
            }
        }
    }

    public static final Feedback NONE = new Feedback(Mode.NONE, 0, 0, List.of());

    /** λ of the mask penalty when a request names none (images). */
    public static final double DEFAULT_LAMBDA = 1000;

    public Feedback {
        examples = List.copyOf(examples);
        if (!(lambda >= 0 && lambda <= 1e7)) {
            throw new Invalid("Invalid lambda " + lambda, "lambda must be between 0 and 10,000,000");
        }
        if (perBatch < 0 || perBatch > 1024) {
            throw new Invalid("Invalid perBatch " + perBatch, "perBatch must be between 0 and 1,024");
        }
    }

    public boolean active() {
        return mode != Mode.NONE && !examples.isEmpty() && perBatch > 0;
    }
}
