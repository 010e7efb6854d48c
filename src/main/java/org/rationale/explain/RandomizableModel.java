package org.rationale.explain;

import java.util.List;

/**
 * A model copy whose layers can be replaced by random weights, top layer first: the cascading
 * model-parameter randomisation of Adebayo et al. 2018.
 */
public interface RandomizableModel extends ExplainableModel {

    /** Names of the layers that have weights, from the output back to the input. */
    List<String> layersFromTop();

    /** Replaces the weights of one layer with Gaussian values of the same standard deviation. */
    void randomize(String layer, long seed);
}
