/**
 * What an attribution method may ask of a classifier, free of any engine: {@link
 * org.rationale.explain.ExplainableModel} (logits, input gradients, CAM activations), {@link
 * org.rationale.explain.RandomizableModel} for the sanity check, and the {@link
 * org.rationale.explain.InputBatch} they take. {@code model} implements these with DJL;
 * {@code saliency} uses them; neither knows the other through this package.
 */
package org.rationale.explain;
