package org.rationale.review;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A session's skip list is bounded: only the samples it saw last are skipped. */
class SkipListTest {

    @Test
    void onlyTheLastThousandSkippedSamplesCountInTheirOrder() {
        List<Long> seen = new ArrayList<>();
        for (long id = 1; id <= 2500; id++) {
            seen.add(id);
        }
        List<Long> skipped = ReviewQueue.recent(seen);
        assertEquals(ReviewQueue.MOST_SKIPPED, skipped.size());
        assertEquals(1501L, skipped.get(0));
        assertEquals(2500L, skipped.get(skipped.size() - 1));
        assertEquals(List.of(4L, 2L), ReviewQueue.recent(List.of(4L, 2L)), "a short list as it is");
        assertEquals(List.of(), ReviewQueue.recent(null));
    }
}
