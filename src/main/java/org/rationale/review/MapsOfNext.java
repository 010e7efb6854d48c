package org.rationale.review;

import jakarta.enterprise.context.ApplicationScoped;
import org.rationale.saliency.SaliencyService;
import org.rationale.security.Caller;

import java.util.List;

/**
 * When a reviewer is handed a sample, the maps of the next few samples of their queue (by the
 * methods their page shows first) are computed in the background unless stored, so that the key
 * that moves them on finds the next map ready. Bounded and without duplicates: see
 * {@link SaliencyService#prepare}.
 */
@ApplicationScoped
public class MapsOfNext {

    /** Samples of a reviewer's queue whose maps are computed ahead. */
    static final int AHEAD = 3;

    /** Samples looked ahead now: {@link #AHEAD}, or 0 while a benchmark measures its baseline. */
    private volatile int depth = AHEAD;
    private final ReviewQueue queue;
    private final SaliencyService saliency;

    MapsOfNext(ReviewQueue queue, SaliencyService saliency) {
        this.queue = queue;
        this.saliency = saliency;
    }

    /**
     * Computes ahead the maps of the caller's next {@link #AHEAD} samples after those skipped (the
     * one just handed out among them; only the last {@link ReviewQueue#MOST_SKIPPED} of them count), by
     * each of the methods; returns at once. Copies at most that many ids, however long the session.
     */
    public void prepare(long projectId, Caller caller, long modelId, String split, List<Long> skip, List<String> methods) {
        int n = depth;
        if (n == 0) {
            return;
        }
        List<Long> skipped = ReviewQueue.recent(skip);
        saliency.prepare(projectId + "/" + caller.username(),
                () -> queue.upcoming(projectId, caller, modelId, split, skipped, n), modelId, methods);
    }

    /** Looks this many samples ahead (0: none, the baseline of the review benchmark). */
    void depth(int samples) {
        depth = samples;
    }
}
