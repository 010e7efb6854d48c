package org.rationale.ui;

import org.rationale.project.Modality;

/**
 * What the platform trains for a project, in the pages' words: a small CNN on images, an MLP on
 * table rows. One place, so that no page offers a CSV project "the CNN".
 */
public final class PlatformModel {

    private PlatformModel() {
    }

    /** "CNN" or "MLP". */
    public static String shortName(Modality modality) {
        return modality == Modality.TABULAR ? "MLP" : "CNN";
    }

    /** "small CNN" or "MLP" with its layers in a few words. */
    public static String description(Modality modality) {
        return modality == Modality.TABULAR
                ? "multilayer perceptron (two hidden layers of 64 units, ReLU, Adam) on standardised rows"
                : "small convolutional network (two convolution blocks and a linear layer, Adam)";
    }

    /** "images" or "rows". */
    public static String samples(Modality modality) {
        return modality == Modality.TABULAR ? "rows" : "images";
    }
}
