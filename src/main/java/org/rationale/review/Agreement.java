package org.rationale.review;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * Inter-rater agreement over the nominal verdicts experts give on saliency maps ("accept",
 * "reject", "unsure", ...). A verdict is only as useful as it is reproducible: when experts who
 * look at the same map disagree about as often as chance would have them, their verdicts say
 * little about the map. This class measures that with Cohen's κ (two raters), Fleiss' κ (a fixed
 * number of raters per item) and Krippendorff's α (any number of raters, missing verdicts allowed).
 *
 * <p>Verdicts are nominal categories compared by exact string equality; the category set is
 * whatever appears in the data. A rater counts at most once per item: when a rater has several
 * ratings on one item, the last one in list order counts, in every method of this class.
 *
 * <p>The chance-corrected coefficients divide by the disagreement expected by chance, which is
 * zero when every value involved is the same single category. Every verdict then agrees, so
 * observed disagreement is zero as well, and the coefficient is taken as 1 rather than 0/0.
 */
public final class Agreement {

    private Agreement() {
    }

    /** One verdict of one rater on one item; the item is an opaque key. */
    public record Rating(String item, String rater, String category) {
        public Rating {
            Objects.requireNonNull(item, "item");
            Objects.requireNonNull(rater, "rater");
            Objects.requireNonNull(category, "category");
        }
    }

    /**
     * Agreement between two raters ({@code raterA} before {@code raterB} in string order) over
     * the {@code commonItems} items both rated.
     */
    public record PairAgreement(String raterA, String raterB, int commonItems, double observedAgreement,
                                OptionalDouble kappa) {
    }

    /**
     * Cohen's κ of two raters over the items both rated; items rated by only one of them are
     * ignored. Empty when they have no item in common. When chance agreement p_e is 1 (both chose
     * the same single category on every common item) κ is 0/0 and is taken as 1, since the observed
     * agreement is then 1 too.
     */
    public static OptionalDouble cohensKappa(List<Rating> ratings, String raterA, String raterB) {
        Map<String, Map<String, String>> byRater = byRater(ratings);
        return kappa(byRater.getOrDefault(raterA, Map.of()), byRater.getOrDefault(raterB, Map.of()));
    }

    /**
     * Krippendorff's α for nominal data over all raters, allowing missing verdicts and a varying
     * number of raters per item. Items with fewer than two ratings cannot be paired and are
     * dropped. Empty when fewer than two pairable values remain. When expected disagreement D_e is
     * 0 (every pairable value is the same category) α is 0/0 and is taken as 1, since observed
     * disagreement is then 0 too.
     */
    public static OptionalDouble krippendorffsAlpha(List<Rating> ratings) {
        long n = 0;
        double observed = 0;
        Map<String, Long> totals = new HashMap<>();
        for (Map<String, String> verdicts : byItem(ratings).values()) {
            int m = verdicts.size();
            if (m < 2) {
                continue;
            }
            Map<String, Long> counts = counts(verdicts);
            long disagreeingPairs = (long) m * m - sumOfSquares(counts);
            observed += (double) disagreeingPairs / (m - 1);
            n += m;
            counts.forEach((category, count) -> totals.merge(category, count, Long::sum));
        }
        if (n < 2) {
            return OptionalDouble.empty();
        }
        long expected = n * n - sumOfSquares(totals);
        if (expected == 0) {
            return OptionalDouble.of(1.0);
        }
        return OptionalDouble.of(1 - (n - 1) * observed / expected);
    }

    /**
     * Fleiss' κ. Fleiss needs the same number of ratings on every item, so it is computed only over
     * the items with the most common number n ≥ 2 of raters (on a tie, the larger n); items with
     * any other number of raters are ignored. Empty when no item has at least two raters. When
     * chance agreement is 1 (every rating of those items is the same category) κ is 0/0 and is
     * taken as 1, since observed agreement is then 1 too.
     */
    public static OptionalDouble fleissKappa(List<Rating> ratings) {
        Map<String, Map<String, String>> byItem = byItem(ratings);
        Map<Integer, Integer> itemsPerSize = new HashMap<>();
        for (Map<String, String> verdicts : byItem.values()) {
            if (verdicts.size() >= 2) {
                itemsPerSize.merge(verdicts.size(), 1, Integer::sum);
            }
        }
        int n = 0;
        int best = 0;
        for (Map.Entry<Integer, Integer> e : itemsPerSize.entrySet()) {
            if (e.getValue() > best || e.getValue() == best && e.getKey() > n) {
                n = e.getKey();
                best = e.getValue();
            }
        }
        if (n == 0) {
            return OptionalDouble.empty();
        }
        long items = 0;
        long agreeingPairs = 0;
        Map<String, Long> totals = new HashMap<>();
        for (Map<String, String> verdicts : byItem.values()) {
            if (verdicts.size() != n) {
                continue;
            }
            Map<String, Long> counts = counts(verdicts);
            items++;
            agreeingPairs += sumOfSquares(counts) - n;
            counts.forEach((category, count) -> totals.merge(category, count, Long::sum));
        }
        long ratingsTotal = items * n;
        long sameCategoryPairs = sumOfSquares(totals);
        if (sameCategoryPairs == ratingsTotal * ratingsTotal) {
            return OptionalDouble.of(1.0);
        }
        double chance = (double) sameCategoryPairs / ((double) ratingsTotal * ratingsTotal);
        double observed = (double) agreeingPairs / ((double) ratingsTotal * (n - 1));
        return OptionalDouble.of((observed - chance) / (1 - chance));
    }

    /**
     * Every unordered pair of raters with at least one item in common, sorted by {@code raterA}
     * then {@code raterB} (string order, {@code raterA < raterB}).
     */
    public static List<PairAgreement> pairwise(List<Rating> ratings) {
        Map<String, Map<String, String>> byRater = byRater(ratings);
        List<String> raters = new ArrayList<>(byRater.keySet());
        List<PairAgreement> pairs = new ArrayList<>();
        for (int i = 0; i < raters.size(); i++) {
            for (int j = i + 1; j < raters.size(); j++) {
                Map<String, String> a = byRater.get(raters.get(i));
                Map<String, String> b = byRater.get(raters.get(j));
                int common = 0;
                int agreeing = 0;
                for (Map.Entry<String, String> e : a.entrySet()) {
                    String other = b.get(e.getKey());
                    if (other != null) {
                        common++;
                        if (other.equals(e.getValue())) {
                            agreeing++;
                        }
                    }
                }
                if (common > 0) {
                    pairs.add(new PairAgreement(raters.get(i), raters.get(j), common,
                            (double) agreeing / common, kappa(a, b)));
                }
            }
        }
        return pairs;
    }

    /**
     * The items, in string order, on which the raters chose more than one distinct category
     * (each rater by its last rating on the item).
     */
    public static List<String> disagreements(List<Rating> ratings) {
        List<String> items = new ArrayList<>();
        byItem(ratings).forEach((item, verdicts) -> {
            if (new HashSet<>(verdicts.values()).size() > 1) {
                items.add(item);
            }
        });
        return items;
    }

    private static OptionalDouble kappa(Map<String, String> a, Map<String, String> b) {
        long n = 0;
        long agreeing = 0;
        Map<String, Long> marginalA = new HashMap<>();
        Map<String, Long> marginalB = new HashMap<>();
        for (Map.Entry<String, String> e : a.entrySet()) {
            String other = b.get(e.getKey());
            if (other == null) {
                continue;
            }
            n++;
            if (other.equals(e.getValue())) {
                agreeing++;
            }
            marginalA.merge(e.getValue(), 1L, Long::sum);
            marginalB.merge(other, 1L, Long::sum);
        }
        if (n == 0) {
            return OptionalDouble.empty();
        }
        long chance = 0;
        for (Map.Entry<String, Long> e : marginalA.entrySet()) {
            chance += e.getValue() * marginalB.getOrDefault(e.getKey(), 0L);
        }
        if (chance == n * n) {
            return OptionalDouble.of(1.0);
        }
        return OptionalDouble.of((double) (n * agreeing - chance) / (n * n - chance));
    }

    /** item → (rater → category), items in string order, the last rating of a rater on an item winning. */
    private static Map<String, Map<String, String>> byItem(List<Rating> ratings) {
        Map<String, Map<String, String>> byItem = new TreeMap<>();
        for (Rating r : ratings) {
            byItem.computeIfAbsent(r.item(), k -> new LinkedHashMap<>()).put(r.rater(), r.category());
        }
        return byItem;
    }

    /** rater → (item → category), raters in string order, the last rating of a rater on an item winning. */
    private static Map<String, Map<String, String>> byRater(List<Rating> ratings) {
        Map<String, Map<String, String>> byRater = new TreeMap<>();
        for (Rating r : ratings) {
            byRater.computeIfAbsent(r.rater(), k -> new LinkedHashMap<>()).put(r.item(), r.category());
        }
        return byRater;
    }

    private static Map<String, Long> counts(Map<String, String> verdicts) {
        Map<String, Long> counts = new HashMap<>();
        for (String category : verdicts.values()) {
            counts.merge(category, 1L, Long::sum);
        }
        return counts;
    }

    private static long sumOfSquares(Map<String, Long> counts) {
        long sum = 0;
        for (long c : counts.values()) {
            sum += c * c;
        }
        return sum;
    }
}
