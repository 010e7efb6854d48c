package org.rationale.model;

import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;

/**
 * The platform's own model of table rows, built from DJL blocks: an MLP on N×F standardised rows,
 * dense 64, ReLU, dense 64, ReLU, dense classes.
 */
public final class TabularMlp {

    /** Name stored with trained versions (their kind), so a later change of the layers cannot load old weights. */
    public static final String ARCHITECTURE = "tabular-mlp-v1";
    /** Units of each hidden layer. */
    static final int HIDDEN = 64;

    private TabularMlp() {
    }

    /** A fresh network answering {@code classes} logits. */
    public static SequentialBlock network(int classes) {
        return new SequentialBlock()
                .add(Linear.builder().setUnits(HIDDEN).build())
                .add(Activation::relu)
                .add(Linear.builder().setUnits(HIDDEN).build())
                .add(Activation::relu)
                .add(Linear.builder().setUnits(classes).build());
    }
}
