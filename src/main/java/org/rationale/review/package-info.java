/**
 * Expert review: who reviews what ({@link ReviewQueue}: hand-outs, reservations
 * and the overlap rule), the verdicts on stored maps and the annotation masks of samples
 * ({@link ReviewService}), and the agreement between reviewers
 * ({@link Agreement}). Owns the tables {@code reviews}, {@code annotations},
 * {@code review_handouts} and {@code review_reservations}, whose SQL is all in
 * {@link ReviewStore}; the samples, maps, projects and accounts it reads come
 * from their own stores.
 */
package org.rationale.review;
