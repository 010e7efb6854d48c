package org.rationale.scheduler;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The scheduler's reliance tests remembered per model version and marked regions: a test of an
 * unreviewed sample (the regions experts marked elsewhere replaced on it) holds until the model or
 * the regions change (regions are known by the SHA-256 of their cells, {@link MarkedRegions#key}), so
 * ranking again costs no forward pass for samples already tested. Bounded:
 * the least recently used (model, regions) pairs are forgotten first, and each pair keeps at most
 * {@link #MOST_SAMPLES} samples.
 */
@ApplicationScoped
public class InterventionCache {

    /** (model, regions) pairs remembered. */
    static final int MOST_KEYS = 32;
    /** Samples remembered per pair. */
    static final int MOST_SAMPLES = 20_000;

    /**
     * One test: the highest flip rate over the regions tested (bits of {@code regions}, those the
     * map said little about) and the probability drop of that test.
     */
    public record Tested(double flipRate, double drop, int regions) {
    }

    private record Key(long modelId, String regions) {
    }

    private final Map<Key, Map<Long, Tested>> tests = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Map<Long, Tested>> eldest) {
            return size() > MOST_KEYS;
        }
    };

    /** The tests known for a model and regions, by sample id (a copy). */
    public synchronized Map<Long, Tested> known(long modelId, MarkedRegions regions) {
        Map<Long, Tested> m = tests.get(new Key(modelId, regions.key()));
        return m == null ? Map.of() : new HashMap<>(m);
    }

    /** Remembers a test, unless the pair already holds {@link #MOST_SAMPLES}. */
    public synchronized void put(long modelId, MarkedRegions regions, long sampleId, Tested t) {
        Map<Long, Tested> m = tests.computeIfAbsent(new Key(modelId, regions.key()), k -> new HashMap<>());
        if (m.size() < MOST_SAMPLES || m.containsKey(sampleId)) {
            m.put(sampleId, t);
        }
    }
}
