package org.rationale.saliency;

import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Work run off the caller's thread, once per key at a time: a key asked for while its work waits or
 * runs shares that work's result instead of running it again. At most {@code threads} tasks run and
 * {@code queued} wait; a key beyond that is refused, never queued without bound. A finished or failed
 * key is forgotten, so asking again runs its work again (the work itself skips what is stored).
 *
 * @param <K> what identifies a piece of work (a record)
 * @param <T> its result
 */
final class KeyedBackground<K, T> {

    private final ThreadPoolExecutor executor;
    private final ConcurrentHashMap<K, Entry<T>> inFlight = new ConcurrentHashMap<>();

    /** A key's work as queued, and its result. */
    private record Entry<T>(CompletableFuture<T> result, Runnable task) {
    }

    KeyedBackground(String name, int threads, int queued) {
        AtomicInteger count = new AtomicInteger();
        executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queued), r -> {
            Thread t = new Thread(r, name + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * The key's work: the one waiting or running, else queued now; empty when the queue is full
     * (nothing was queued). With {@code here}, a full queue runs the work on the caller's thread
     * instead (still once: others asking meanwhile share it).
     */
    Optional<CompletableFuture<T>> submit(K key, Supplier<T> work, boolean here) {
        CompletableFuture<T> mine = new CompletableFuture<>();
        Runnable task = task(key, work, mine);
        Entry<T> had = inFlight.putIfAbsent(key, new Entry<>(mine, task));
        if (had != null) {
            return Optional.of(had.result());
        }
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            if (here) {
                task.run();
                return Optional.of(mine);
            }
            inFlight.remove(key);
            mine.completeExceptionally(e);
            return Optional.empty();
        }
        return Optional.of(mine);
    }

    /**
     * The key's work, run on the caller's thread at once when it still waits for a thread (the caller
     * needs it now), else as it runs; empty when it neither waits nor runs.
     */
    Optional<CompletableFuture<T>> hurry(K key) {
        Entry<T> e = inFlight.get(key);
        if (e == null) {
            return Optional.empty();
        }
        if (executor.remove(e.task())) {
            e.task().run();
        }
        return Optional.of(e.result());
    }

    /**
     * The key's result, its work run once: when the key's work waits for a thread it runs on the
     * caller's thread now, when it runs (on a thread or on another caller's) its result is waited for
     * at most {@code millis}; otherwise {@code work} runs on the caller's thread under the key, so
     * that the key asked for meanwhile ({@link #submit}, or here) shares it instead of running it
     * again. The work's failure is thrown as it was.
     *
     * @throws TimeoutException when the key's work runs elsewhere and has not ended in time (it goes on)
     */
    T runHere(K key, Supplier<T> work, long millis) throws TimeoutException, InterruptedException {
        CompletableFuture<T> mine = new CompletableFuture<>();
        Runnable task = task(key, work, mine);
        Entry<T> had = inFlight.putIfAbsent(key, new Entry<>(mine, task));
        CompletableFuture<T> result = mine;
        if (had == null) {
            task.run();
        } else {
            if (executor.remove(had.task())) {
                had.task().run();
            }
            result = had.result();
        }
        try {
            return result.get(millis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The work of a key: its result completes {@code mine}, and the key is forgotten once it ends. */
    private Runnable task(K key, Supplier<T> work, CompletableFuture<T> mine) {
        return () -> {
            try {
                T result = work.get();
                inFlight.remove(key);
                mine.complete(result);
            } catch (RuntimeException | Error e) {
                inFlight.remove(key);
                mine.completeExceptionally(e);
            }
        };
    }

    /** The key's work while it waits or runs. */
    Optional<CompletableFuture<T>> inFlight(K key) {
        return Optional.ofNullable(inFlight.get(key)).map(Entry::result);
    }

    /** Keys waiting or running now: never more than threads + queued (+ callers running work on their own thread). */
    int size() {
        return inFlight.size();
    }

    /** Tasks waiting for a thread. */
    int waiting() {
        return executor.getQueue().size();
    }

    /** Stops the running work and drops the waiting work; whoever waits for it is told it will not come. */
    void shutdown() {
        executor.shutdownNow();
        inFlight.values().forEach(e -> e.result().completeExceptionally(
                new IllegalStateException("the server is stopping")));
        inFlight.clear();
    }
}
