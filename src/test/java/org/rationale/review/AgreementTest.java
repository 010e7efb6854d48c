package org.rationale.review;

import org.junit.jupiter.api.Test;
import org.rationale.review.Agreement.PairAgreement;
import org.rationale.review.Agreement.Rating;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgreementTest {

    private static Rating r(String item, String rater, String category) {
        return new Rating(item, rater, category);
    }

    /** Wikipedia's Cohen example: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no. */
    private static List<Rating> wikipediaCohen() {
        List<Rating> ratings = new ArrayList<>();
        int item = 0;
        String[][] cells = {{"yes", "yes"}, {"yes", "no"}, {"no", "yes"}, {"no", "no"}};
        int[] counts = {20, 5, 10, 15};
        for (int cell = 0; cell < cells.length; cell++) {
            for (int k = 0; k < counts[cell]; k++, item++) {
                ratings.add(r("item" + item, "A", cells[cell][0]));
                ratings.add(r("item" + item, "B", cells[cell][1]));
            }
        }
        return ratings;
    }

    /** Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": 4 observers, 12 units, "." missing. */
    private static List<Rating> krippendorffTextbook() {
        String[] rows = {
            "A 1 2 3 3 2 1 4 1 2 . . .",
            "B 1 2 3 3 2 2 4 1 2 5 . 3",
            "C . 3 3 3 2 3 4 2 2 5 1 .",
            "D 1 2 3 3 2 4 4 1 2 5 1 .",
        };
        List<Rating> ratings = new ArrayList<>();
        for (String row : rows) {
            String[] v = row.split(" ");
            for (int unit = 1; unit < v.length; unit++) {
                if (!v[unit].equals(".")) {
                    ratings.add(r("unit" + unit, v[0], v[unit]));
                }
            }
        }
        return ratings;
    }

    /** Wikipedia's Fleiss example: 10 subjects, 14 raters, 5 categories, counts per subject and category. */
    private static List<Rating> wikipediaFleiss() {
        int[][] counts = {
            {0, 0, 0, 0, 14}, {0, 2, 6, 4, 2}, {0, 0, 3, 5, 6}, {0, 3, 9, 2, 0}, {2, 2, 8, 1, 1},
            {7, 7, 0, 0, 0}, {3, 2, 6, 3, 0}, {2, 5, 3, 2, 2}, {6, 5, 2, 1, 0}, {0, 2, 2, 3, 7},
        };
        List<Rating> ratings = new ArrayList<>();
        for (int subject = 0; subject < counts.length; subject++) {
            int slot = 0;
            for (int category = 0; category < counts[subject].length; category++) {
                for (int k = 0; k < counts[subject][category]; k++, slot++) {
                    ratings.add(r("subject" + subject, "rater" + slot, "c" + (category + 1)));
                }
            }
        }
        return ratings;
    }

    private static double value(OptionalDouble d) {
        assertTrue(d.isPresent(), "expected a value");
        return d.getAsDouble();
    }

    @Test
    void cohensKappaOfTheWikipediaExampleIsFourTenths() {
        assertEquals(0.4, value(Agreement.cohensKappa(wikipediaCohen(), "A", "B")), 1e-12);
    }

    @Test
    void cohensKappaIsSymmetricInTheTwoRaters() {
        assertEquals(0.4, value(Agreement.cohensKappa(wikipediaCohen(), "B", "A")), 1e-12);
    }

    @Test
    void cohensKappaCountsOnlyItemsRatedByBothRaters() {
        List<Rating> ratings = new ArrayList<>(wikipediaCohen());
        ratings.add(r("onlyA", "A", "yes"));
        ratings.add(r("onlyB", "B", "no"));
        ratings.add(r("item0", "C", "no"));
        ratings.add(r("onlyC", "C", "yes"));
        assertEquals(0.4, value(Agreement.cohensKappa(ratings, "A", "B")), 1e-12);
    }

    @Test
    void cohensKappaOfAlwaysOppositeBalancedVerdictsIsMinusOne() {
        List<Rating> ratings = List.of(
                r("1", "A", "accept"), r("1", "B", "reject"),
                r("2", "A", "reject"), r("2", "B", "accept"));
        assertEquals(-1.0, value(Agreement.cohensKappa(ratings, "A", "B")), 1e-12);
    }

    @Test
    void krippendorffsAlphaOfTheTextbookDataWithMissingValuesIs0743() {
        assertEquals(0.743, value(Agreement.krippendorffsAlpha(krippendorffTextbook())), 5e-4);
    }

    @Test
    void krippendorffsAlphaDropsUnitsWithASingleValue() {
        List<Rating> withoutUnit12 = krippendorffTextbook().stream().filter(x -> !x.item().equals("unit12")).toList();
        List<Rating> withExtraSingles = new ArrayList<>(krippendorffTextbook());
        withExtraSingles.add(r("unit13", "A", "1"));
        withExtraSingles.add(r("unit14", "C", "9"));
        double alpha = value(Agreement.krippendorffsAlpha(krippendorffTextbook()));
        assertEquals(alpha, value(Agreement.krippendorffsAlpha(withoutUnit12)), 1e-15);
        assertEquals(alpha, value(Agreement.krippendorffsAlpha(withExtraSingles)), 1e-15);
    }

    @Test
    void krippendorffsAlphaOfTwoCompleteRatersCorrectsChanceWithTheValuesPooled() {
        // 100 values, 55 yes and 45 no, 15 of 50 units disagree:
        // D_o = 15/50, D_e = 2 * 55 * 45 / (100 * 99) = 1/2, so α = 1 - 0.3 / 0.5 = 0.4.
        assertEquals(0.4, value(Agreement.krippendorffsAlpha(wikipediaCohen())), 1e-12);
    }

    @Test
    void fleissKappaOfTheWikipediaExampleIs0210() {
        assertEquals(0.210, value(Agreement.fleissKappa(wikipediaFleiss())), 5e-4);
    }

    @Test
    void fleissKappaIgnoresItemsWithAnotherNumberOfRaters() {
        List<Rating> ratings = new ArrayList<>(wikipediaFleiss());
        ratings.add(r("extra1", "rater0", "c1"));
        ratings.add(r("extra1", "rater1", "c2"));
        ratings.add(r("extra1", "rater2", "c3"));
        ratings.add(r("extra2", "rater0", "c4"));
        double kappa = value(Agreement.fleissKappa(wikipediaFleiss()));
        assertEquals(kappa, value(Agreement.fleissKappa(ratings)), 1e-15);
    }

    @Test
    void fleissKappaUsesTheMostCommonNumberOfRaters() {
        // Two items rated by two raters outnumber one item rated by three: n = 2, and those agree.
        List<Rating> ratings = List.of(
                r("1", "x", "accept"), r("1", "y", "accept"),
                r("2", "x", "reject"), r("2", "y", "reject"),
                r("3", "x", "accept"), r("3", "y", "reject"), r("3", "z", "unsure"));
        assertEquals(1.0, value(Agreement.fleissKappa(ratings)), 1e-12);
    }

    @Test
    void fleissKappaBreaksATieInRaterCountsTowardsMoreRaters() {
        // One item with two raters (κ alone would be -1), one with three (κ alone is 1): n = 3 wins.
        List<Rating> ratings = List.of(
                r("1", "x", "accept"), r("1", "y", "reject"),
                r("2", "x", "accept"), r("2", "y", "accept"), r("2", "z", "accept"));
        assertEquals(1.0, value(Agreement.fleissKappa(ratings)), 1e-12);
        assertEquals(-1.0, value(Agreement.fleissKappa(ratings.subList(0, 2))), 1e-12);
    }

    @Test
    void perfectAgreementGivesOneForAllThree() {
        List<Rating> ratings = new ArrayList<>();
        String[] verdicts = {"accept", "reject", "unsure", "accept", "reject"};
        for (int i = 0; i < verdicts.length; i++) {
            for (String rater : List.of("ann", "bob", "cy")) {
                ratings.add(r("map" + i, rater, verdicts[i]));
            }
        }
        assertEquals(1.0, value(Agreement.cohensKappa(ratings, "ann", "cy")), 1e-12);
        assertEquals(1.0, value(Agreement.krippendorffsAlpha(ratings)), 1e-12);
        assertEquals(1.0, value(Agreement.fleissKappa(ratings)), 1e-12);
    }

    @Test
    void aSingleCategoryEverywhereCountsAsPerfectAgreement() {
        List<Rating> ratings = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ratings.add(r("map" + i, "ann", "accept"));
            ratings.add(r("map" + i, "bob", "accept"));
        }
        assertEquals(1.0, value(Agreement.cohensKappa(ratings, "ann", "bob")));
        assertEquals(1.0, value(Agreement.krippendorffsAlpha(ratings)));
        assertEquals(1.0, value(Agreement.fleissKappa(ratings)));
        assertEquals(List.of(new PairAgreement("ann", "bob", 4, 1.0, OptionalDouble.of(1.0))),
                Agreement.pairwise(ratings));
    }

    @Test
    void pairwiseListsPairsWithCommonItemsSortedByRaterNames() {
        List<Rating> ratings = List.of(
                r("i1", "bob", "accept"), r("i2", "bob", "accept"), r("i3", "bob", "accept"), r("i4", "bob", "reject"),
                r("i1", "cy", "reject"), r("i4", "cy", "reject"),
                r("i1", "ann", "accept"), r("i2", "ann", "reject"), r("i3", "ann", "accept"),
                r("i9", "dan", "reject"));
        List<PairAgreement> pairs = Agreement.pairwise(ratings);
        assertEquals(List.of("ann/bob", "ann/cy", "bob/cy"),
                pairs.stream().map(p -> p.raterA() + "/" + p.raterB()).toList());
        assertEquals(List.of(3, 1, 2), pairs.stream().map(PairAgreement::commonItems).toList());
        assertEquals(2.0 / 3, pairs.get(0).observedAgreement(), 1e-12);
        assertEquals(0.0, pairs.get(1).observedAgreement(), 1e-12);
        assertEquals(0.5, pairs.get(2).observedAgreement(), 1e-12);
        for (PairAgreement p : pairs) {
            assertEquals(Agreement.cohensKappa(ratings, p.raterA(), p.raterB()), p.kappa());
        }
        // ann/bob: p_o = 2/3, p_e = (2/3)(3/3) = 2/3, so κ = 0.
        assertEquals(0.0, value(pairs.get(0).kappa()), 1e-12);
    }

    @Test
    void disagreementsListsExactlyTheItemsWithDifferingVerdictsInOrder() {
        List<Rating> ratings = List.of(
                r("d", "x", "reject"), r("d", "y", "unsure"), r("d", "z", "reject"),
                r("b", "x", "accept"), r("b", "y", "reject"),
                r("a", "x", "accept"), r("a", "y", "accept"),
                r("c", "x", "reject"),
                r("e", "x", "accept"), r("e", "y", "accept"), r("e", "z", "accept"));
        assertEquals(List.of("b", "d"), Agreement.disagreements(ratings));
    }

    @Test
    void theLastRatingOfARaterOnAnItemCounts() {
        List<Rating> changedToAgree = List.of(
                r("1", "A", "reject"), r("1", "B", "accept"), r("1", "A", "accept"),
                r("2", "A", "reject"), r("2", "B", "reject"));
        assertEquals(1.0, value(Agreement.cohensKappa(changedToAgree, "A", "B")), 1e-12);
        assertEquals(1.0, value(Agreement.krippendorffsAlpha(changedToAgree)), 1e-12);
        assertEquals(1.0, value(Agreement.fleissKappa(changedToAgree)), 1e-12);
        assertEquals(List.of(), Agreement.disagreements(changedToAgree));
        assertEquals(List.of(new PairAgreement("A", "B", 2, 1.0, OptionalDouble.of(1.0))),
                Agreement.pairwise(changedToAgree));

        List<Rating> changedToDisagree = List.of(
                r("1", "A", "accept"), r("1", "B", "accept"), r("1", "A", "reject"),
                r("2", "A", "reject"), r("2", "B", "reject"));
        // A: reject, reject; B: accept, reject. p_o = 1/2, p_e = (2/2)(1/2) = 1/2, κ = 0.
        assertEquals(0.0, value(Agreement.cohensKappa(changedToDisagree, "A", "B")), 1e-12);
        assertEquals(List.of("1"), Agreement.disagreements(changedToDisagree));
    }

    @Test
    void emptyOrInsufficientInputGivesNoValue() {
        assertEquals(OptionalDouble.empty(), Agreement.cohensKappa(List.of(), "A", "B"));
        assertEquals(OptionalDouble.empty(), Agreement.krippendorffsAlpha(List.of()));
        assertEquals(OptionalDouble.empty(), Agreement.fleissKappa(List.of()));
        assertEquals(List.of(), Agreement.pairwise(List.of()));
        assertEquals(List.of(), Agreement.disagreements(List.of()));

        List<Rating> noOverlap = List.of(r("1", "A", "accept"), r("2", "B", "reject"), r("2", "B", "accept"));
        assertEquals(OptionalDouble.empty(), Agreement.cohensKappa(noOverlap, "A", "B"));
        assertEquals(OptionalDouble.empty(), Agreement.cohensKappa(wikipediaCohen(), "A", "nobody"));
        assertEquals(OptionalDouble.empty(), Agreement.krippendorffsAlpha(noOverlap));
        assertEquals(OptionalDouble.empty(), Agreement.fleissKappa(noOverlap));
        assertEquals(List.of(), Agreement.pairwise(noOverlap));
    }
}
