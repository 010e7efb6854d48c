package org.rationale.demo;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The demo's seeding steps each run in their own try: the image demo failing does not skip the tabular one. */
class DemoSeedStepsTest {

    @Test
    void aFailedFirstStepIsReportedByNameAndTheSecondStillRuns() {
        List<String> ran = new ArrayList<>();
        Map<String, Runnable> steps = new LinkedHashMap<>();
        steps.put("the image demo", () -> {
            throw new IllegalStateException("no space left");
        });
        steps.put("the tabular demo", () -> ran.add("tabular"));
        assertEquals("failed: the image demo: no space left", DemoSeeder.seedEach(steps));
        assertEquals(List.of("tabular"), ran);
    }

    @Test
    void stepsThatAllRunLeaveTheDemoSeeded() {
        List<String> ran = new ArrayList<>();
        Map<String, Runnable> steps = new LinkedHashMap<>();
        steps.put("the image demo", () -> ran.add("images"));
        steps.put("the tabular demo", () -> ran.add("tabular"));
        assertEquals("seeded", DemoSeeder.seedEach(steps));
        assertEquals(List.of("images", "tabular"), ran);
    }
}
