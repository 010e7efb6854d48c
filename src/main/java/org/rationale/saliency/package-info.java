/**
 * Saliency maps: the attribution methods behind one interface, maps on demand and in job batches,
 * their float16 encoding, quality metrics, the randomisation sanity check and the overlays drawn over
 * images. Owns the tables {@code saliency_maps} and {@code sanity_checks}
 * ({@link org.rationale.saliency.MapStore}).
 */
package org.rationale.saliency;
