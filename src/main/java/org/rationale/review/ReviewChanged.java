package org.rationale.review;

/** Something changed in a project's review (a verdict, an undo, a mask): open review pages refresh their counts. */
public record ReviewChanged(long projectId) {
}
