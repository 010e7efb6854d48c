package org.rationale.model;

import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.LongFunction;
import java.util.function.ToLongFunction;

/**
 * Loaded models by version, bounded in bytes: when the models held pass the budget, the least
 * recently used ones that no caller holds are closed (a model is used from its lending until its
 * return). A lent model is never closed under its caller: it stays cached (closing it would free
 * nothing while it is in use, and a second caller would load a second copy) and is evicted once it
 * is returned, if the cache is still over its budget. A model larger than the whole budget is still
 * lent, but not kept: it is closed when its last caller returns it.
 *
 * <p>A model is loaded (seconds for a large one) and closed outside the cache's lock: a load holds
 * up only the callers of that same version, who wait for it and share it (one load per version at
 * a time), never the callers of other versions. A model that fails to close is logged and dropped.
 *
 * @param <M> the loaded model
 */
final class ModelCache<M extends AutoCloseable> {

    private static final Logger LOG = Logger.getLogger(ModelCache.class);

    private record Entry<M>(M model, long bytes) {
    }

    /** A version being loaded: its result, and how many callers besides the loader wait for it. */
    private static final class Loading<M> {
        final CompletableFuture<M> result = new CompletableFuture<>();
        int waiting;
    }

    private final long budget;
    private final ToLongFunction<M> size;
    private final Map<Long, Entry<M>> loaded = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<Long, Loading<M>> loading = new HashMap<>();
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
     * The loaded model of a version, loaded by {@code load} when it is not cached (once: callers of
     * the version asking while it loads wait for that load and share its model, or its failure); the
     * caller gives it back with {@link #giveBack}.
     */
    M lend(long version, LongFunction<M> load) {
        Loading<M> mine;
        Loading<M> other;
        synchronized (this) {
            Entry<M> e = loaded.get(version);
            if (e != null) {
                lent.merge(e.model(), 1, Integer::sum);
                return e.model();
            }
            other = loading.get(version);
            if (other != null) {
                other.waiting++;
                mine = null;
            } else {
                mine = new Loading<>();
                loading.put(version, mine);
            }
        }
        if (other != null) {
            try {
                return other.result.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
        M m;
        try {
            m = load.apply(version);
        } catch (RuntimeException | Error e) {
            synchronized (this) {
                loading.remove(version);
            }
            mine.result.completeExceptionally(e);
            throw e;
        }
        List<M> evicted;
        synchronized (this) {
            loading.remove(version);
            long b = Math.max(0, size.applyAsLong(m));
            if (b <= budget) {
                loaded.put(version, new Entry<>(m, b));
                bytes += b;
            }
            // the waiters hold it from now on too: it cannot be closed before they have it
            lent.put(m, 1 + mine.waiting);
            evicted = trim();
        }
        mine.result.complete(m);
        close(evicted);
        return m;
    }

    /** Takes back a model lent by {@link #lend}; one not cached (too large, or evicted) is closed when no caller holds it. */
    void giveBack(M m) {
        List<M> closing;
        synchronized (this) {
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
                closing = new ArrayList<>(List.of(m));
            } else {
                loaded.get(version); // used until now: the most recently used
                closing = new ArrayList<>();
            }
            closing.addAll(trim());
        }
        close(closing);
    }

    /** Most bytes the cached models may hold together. */
    long budget() {
        return budget;
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
    void clear() {
        List<M> closing = new ArrayList<>();
        synchronized (this) {
            for (Iterator<Entry<M>> it = loaded.values().iterator(); it.hasNext(); ) {
                Entry<M> e = it.next();
                if (!lent.containsKey(e.model())) {
                    it.remove();
                    bytes -= e.bytes();
                    closing.add(e.model());
                }
            }
        }
        close(closing);
    }

    /**
     * Drops the least recently used models no caller holds until the cache fits its budget; returns
     * them, for the caller to close outside the lock.
     */
    private List<M> trim() {
        List<M> out = new ArrayList<>();
        for (Iterator<Entry<M>> it = loaded.values().iterator(); bytes > budget && it.hasNext(); ) {
            Entry<M> e = it.next();
            if (!lent.containsKey(e.model())) {
                it.remove();
                bytes -= e.bytes();
                out.add(e.model());
            }
        }
        return out;
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

    /**
     * Closes models no one holds or caches any more; a failure is logged (the memory it holds may not
     * be freed), never thrown at a caller that merely evicted it.
     */
    private static <M extends AutoCloseable> void close(List<M> models) {
        for (M m : models) {
            try {
                m.close();
            } catch (Exception e) {
                LOG.errorf(e, "A model evicted from the cache could not be closed; the memory it holds may not be freed");
            }
        }
    }
}
