package org.rationale.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;

/**
 * The platform's own CNN, built from DJL blocks in two parts so CAM methods can run on it:
 * features (conv 3×3 ×16, ReLU, max-pool 2, conv 3×3 ×32, ReLU, max-pool 2) and head (flatten,
 * dense 64, ReLU, dense classes).
 */
public final class SmallCnn {

    /** Name stored with trained versions, so a later change of the layers cannot load old weights. */
    public static final String ARCHITECTURE = "small-cnn-v1";

    private SmallCnn() {
    }

    public static SequentialBlock features() {
        return new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(16).build())
                .add(Activation::relu)
                .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(32).build())
                .add(Activation::relu)
                .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
    }

    public static SequentialBlock head(int classes) {
        return new SequentialBlock()
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(64).build())
                .add(Activation::relu)
                .add(Linear.builder().setUnits(classes).build());
    }

    /** The whole network: features then head, sharing their parameters. */
    public static SequentialBlock whole(SequentialBlock features, SequentialBlock head) {
        return new SequentialBlock().add(features).add(head);
    }
}
