package org.rationale.dataset;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Where a value sits among training values: percentiles from bounded quantiles, in words. */
class TrainingDistributionTest {

    @Test
    void aValuesPercentileIsTheShareOfTrainingValuesBelowItTiesCountingHalf() {
        double[] q = TrainingDistribution.quantiles(new double[] {5, 1, 4, 2, 3});
        assertArrayEquals(new double[] {1, 2, 3, 4, 5}, q);
        assertEquals(50, TrainingDistribution.percentile(q, 3));
        assertEquals(0, TrainingDistribution.percentile(q, 0.5));
        assertEquals(100, TrainingDistribution.percentile(q, 9));
        assertEquals(40, TrainingDistribution.percentile(q, 2.5));
    }

    @Test
    void manyValuesAreSummarisedByABoundedNumberOfQuantiles() {
        double[] values = new double[100_001];
        for (int i = 0; i < values.length; i++) {
            values[values.length - 1 - i] = i;
        }
        double[] q = TrainingDistribution.quantiles(values);
        assertEquals(TrainingDistribution.QUANTILES, q.length);
        assertEquals(0, q[0]);
        assertEquals(100_000, q[q.length - 1]);
        assertEquals(82, TrainingDistribution.percentile(q, 82_000));
    }

    @Test
    void percentilesReadAsOrdinals() {
        assertEquals("1st", TrainingDistribution.ordinal(1));
        assertEquals("2nd", TrainingDistribution.ordinal(2));
        assertEquals("3rd", TrainingDistribution.ordinal(3));
        assertEquals("11th", TrainingDistribution.ordinal(11));
        assertEquals("12th", TrainingDistribution.ordinal(12));
        assertEquals("22nd", TrainingDistribution.ordinal(22));
        assertEquals("82nd", TrainingDistribution.ordinal(82));
        assertEquals("100th", TrainingDistribution.ordinal(100));
        assertEquals("0th", TrainingDistribution.ordinal(0));
    }
}
