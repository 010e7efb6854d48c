package org.rationale.dataset;

import org.rationale.error.DomainError;

import java.util.ArrayList;
import java.util.List;

/**
 * Every problem found in an upload before anything is stored, so a person fixes them all at once
 * instead of one per attempt. Thrown as one {@link InvalidDatasetException} whose {@link
 * InvalidDatasetException#problems()} lists them (at most {@link #SHOWN}, with the number left out).
 */
final class ImportProblems {

    /** Problems listed in full; beyond that only their number is given. */
    static final int SHOWN = 50;

    private final String archiveName;
    private final List<String> problems = new ArrayList<>();
    private int count;
    private DomainError first;

    ImportProblems(String archiveName) {
        this.archiveName = archiveName;
    }

    /** Records a refusal of one entry; the check goes on with the next. */
    void add(DomainError e) {
        if (first == null) {
            first = e;
        }
        if (++count <= SHOWN) {
            problems.add(e.describe());
        }
    }

    /** Whether another problem would still be listed in full (beyond that, {@link #addUnlisted} only counts). */
    boolean listing() {
        return count < SHOWN;
    }

    /** Counts one more problem past those listed, without making its error (a file may hold millions). */
    void addUnlisted() {
        count++;
    }

    /** Throws when anything was recorded: the single problem as it was, or all of them in one refusal. */
    void throwIfAny() {
        if (count == 0) {
            return;
        }
        if (count == 1) {
            throw first;
        }
        List<String> listed = new ArrayList<>(problems);
        if (count > SHOWN) {
            listed.add("… and " + (count - SHOWN) + " more");
        }
        throw new InvalidDatasetException(first.kind(), count + " problems in " + archiveName,
                String.join("; ", listed), listed);
    }
}
