package org.rationale.project;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A model may have more outputs than the project has class names; the review page names them all. */
class ProjectClassNamesTest {

    @Test
    void aLabelBeyondTheProjectsNamesIsNumberedNotAnError() {
        Project p = new Project();
        p.classNames.addAll(List.of("cat", "dog"));
        assertEquals("dog", p.className(1));
        assertEquals("class 7", p.className(7));
        assertEquals("class -1", p.className(-1));
    }
}
