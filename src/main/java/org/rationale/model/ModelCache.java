package org.rationale.model;

import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import java.util.function.ToLongFunction;

/**
 * Loaded models by version, bounded in bytes: when the models held pass the budget, the least
 * recently used ones that no caller holds are closed (a model is used from its lending until its return). A lent model is never closed under its caller:
 * it stays cached (closing it would free nothing while it is in use, and a second caller would load
 * a second copy) and is evicted once it is returned, if the cache is still over its budget. A model
 * larger than the whole budget is still lent, but not kept: it is closed when its last caller
 * returns it.
 *
 * @param <M> the loaded model
 */
final class ModelCache<M extends AutoCloseable> {

    private record Entry<M>(M model, long bytes) {
    }

    private final long budget;
    private final ToLongFunction<M> size;
    private final Map<Long, Entry<M>> loaded = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<M, Integer> lent = new IdentityHashMap<>();
    private long bytes;

    /**
     * @param budget most bytes the cached models may hold together (models in use may pass it for a while)
     * @param size   the bytes one loaded model holds
     */
    ModelCache(long budget, ToLongFunction<M> size) {
        if (budget < 0) {
            throw new IllegalArgumentException("budget " + budget + " < 0");
        }
        this.budget = budget;
        this.size = size;
    }

    /**
     * The loaded model of a version, loaded by {@code load} when it is not cached; the caller gives
     * it back with {@link #giveBack}.
     */
    synchronized M lend(long version, LongFunction<M> load) {
        Entry<M> e = loaded.get(version);
        M m;
        if (e != null) {
            m = e.model();
        } else {
            m = load.apply(version);
            long b = Math.max(0, size.applyAsLong(m));
            if (b <= budget) {
                loaded.put(version, new Entry<>(m, b));
                bytes += b;
            }
        }
        lent.merge(m, 1, Integer::sum);
        trim();
        return m;
    }

    /** Takes back a model lent by {@link #lend}; one not cached (too large, or evicted) is closed when no caller holds it. */
    synchronized void giveBack(M m) {
        Integer held = lent.get(m);
        if (held == null) {
            throw new IllegalStateException("not lent");
        }
        if (held > 1) {
            lent.put(m, held - 1);
            return;
        }
        lent.remove(m);
        Long version = versionOf(m);
        if (version == null) {
            close(m);
        } else {
            loaded.get(version); // used until now: the most recently used
        }
        trim();
    }

    /** Bytes of the cached models. */
    synchronized long bytes() {
        return bytes;
    }

    /** Versions cached, least recently used first. */
    synchronized List<Long> versions() {
        return List.copyOf(loaded.keySet());
    }

    /** Closes every model no caller holds, e.g. at shutdown. */
    synchronized void clear() {
        for (Iterator<Entry<M>> it = loaded.values().iterator(); it.hasNext(); ) {
            Entry<M> e = it.next();
            if (!lent.containsKey(e.model())) {
                it.remove();
                bytes -= e.bytes();
                close(e.model());
            }
        }
    }

    /** Closes the least recently used models no caller holds until the cache fits its budget. */
    private void trim() {
        for (Iterator<Entry<M>> it = loaded.values().iterator(); bytes > budget && it.hasNext(); ) {
            Entry<M> e = it.next();
            if (!lent.containsKey(e.model())) {
                it.remove();
                bytes -= e.bytes();
                close(e.model());
            }
        }
    }

    /** The version a cached model was loaded for; null when it is not cached. */
    private Long versionOf(M m) {
        for (Map.Entry<Long, Entry<M>> e : loaded.entrySet()) {
            if (e.getValue().model() == m) {
                return e.getKey();
            }
        }
        return null;
    }

    private void close(M m) {
        try {
            m.close();
        } catch (Exception e) {
            throw new IllegalStateException("Closing a model failed", e);
        }
    }
}
