package org.rationale.ui.review;

import org.junit.jupiter.api.Test;
import org.rationale.review.RelianceService;
import org.rationale.saliency.RegionReliance;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RelianceTextTest {

    @Test
    void theLineSaysHowOftenHidingTheRegionFlipsTheDecision() {
        RelianceService.SampleReliance painted = new RelianceService.SampleReliance(5, 2, 3,
                RelianceService.PAINTED, 16, 4, "Coat", List.of(
                new RegionReliance.Figures(RegionReliance.MEAN, 0.97, 0.5, 0.47, 1, 1, 1),
                new RegionReliance.Figures(RegionReliance.OTHER_CLASSES, 0.97, 0.12, 0.85, 0.875, 7, 8)));
        assertEquals("Hiding the painted shortcut mask flips the decision (Coat) in 7 of 8 draws "
                + "(probability 0.97 → 0.12)", ReviewSession.relianceText(List.of(painted)));
        RelianceService.SampleReliance given = new RelianceService.SampleReliance(5, 2, 3,
                RelianceService.GIVEN, 4, 4, "Coat", List.of(
                new RegionReliance.Figures(RegionReliance.OTHER_CLASSES, 0.9, 0.9, 0, 0, 0, 8)));
        assertEquals("Hiding the painted region flips the decision (Coat) in 0 of 8 draws (probability 0.90 → 0.90)",
                ReviewSession.relianceText(List.of(given)));
    }

    @Test
    void withoutImagesOfOtherClassesTheLineSaysWhatHidingWithTheMeanImageDid() {
        RelianceService.SampleReliance flips = new RelianceService.SampleReliance(5, 2, 3,
                RelianceService.GIVEN, 16, 4, "Coat", List.of(
                new RegionReliance.Figures(RegionReliance.MEAN, 0.97, 0.12, 0.85, 1, 1, 1),
                new RegionReliance.Figures(RegionReliance.BLUR, 0.97, 0.9, 0.07, 0, 0, 1)));
        assertEquals("Hiding the painted region with the mean image changes the decision (Coat, probability 0.97 → 0.12, "
                + "a drop of 0.85; no image of another class to paste from)", ReviewSession.relianceText(List.of(flips)));
        RelianceService.SampleReliance stays = new RelianceService.SampleReliance(5, 2, 3,
                RelianceService.KNOWN, 16, 4, "Coat", List.of(
                new RegionReliance.Figures(RegionReliance.MEAN, 0.97, 0.95, 0.02, 0, 0, 1)));
        assertEquals("Hiding the known shortcut with the mean image does not change the decision (Coat, probability "
                + "0.97 → 0.95, a drop of 0.02; no image of another class to paste from)",
                ReviewSession.relianceText(List.of(stays)));
        RelianceService.SampleReliance still = new RelianceService.SampleReliance(5, 2, 3,
                RelianceService.GIVEN, 16, 4, "Coat", List.of(
                new RegionReliance.Figures(RegionReliance.MEAN, 0.12, 0.1201, -0.0001, 0, 0, 1)));
        assertTrue(ReviewSession.relianceText(List.of(still)).contains("a drop of 0.00;"),
                ReviewSession.relianceText(List.of(still)));
    }
}
