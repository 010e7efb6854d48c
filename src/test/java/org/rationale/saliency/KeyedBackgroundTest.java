package org.rationale.saliency;

import org.junit.jupiter.api.Test;
import org.rationale.error.Unavailable;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Background work keyed by what it computes: once per key at a time, bounded in count. */
class KeyedBackgroundTest {

    @Test
    void aKeyAskedForTwiceWhileItRunsRunsOnceAndBothShareTheResult() throws Exception {
        KeyedBackground<Long, String> work = new KeyedBackground<>("test", 1, 4);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        try {
            CompletableFuture<String> first = work.submit(7L, () -> {
                runs.incrementAndGet();
                await(release);
                return "curves of 7";
            }, false).orElseThrow();
            CompletableFuture<String> second = work.submit(7L, () -> {
                runs.incrementAndGet();
                return "again";
            }, false).orElseThrow();
            assertSame(first, second);
            release.countDown();
            assertEquals("curves of 7", second.get(10, TimeUnit.SECONDS));
            assertEquals(1, runs.get());
            assertTrue(work.inFlight(7L).isEmpty(), "a finished key is forgotten");
        } finally {
            work.shutdown();
        }
    }

    @Test
    void aFullQueueRefusesNewKeysAndHoldsNoMoreThanItsBound() throws Exception {
        KeyedBackground<Long, Long> work = new KeyedBackground<>("test", 1, 3);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try {
            work.submit(0L, () -> {
                started.countDown();
                await(release);
                return 0L;
            }, false).orElseThrow();
            assertTrue(started.await(10, TimeUnit.SECONDS));
            List<Optional<CompletableFuture<Long>>> asked = new ArrayList<>();
            for (long k = 1; k <= 1000; k++) {
                long key = k;
                asked.add(work.submit(key, () -> key, false));
            }
            // one running, three waiting: the other 997 keys were refused, not queued
            assertEquals(3, asked.stream().filter(Optional::isPresent).count());
            assertEquals(3, work.waiting());
            assertEquals(4, work.size());
            // a key already waiting is shared even when the queue is full
            assertTrue(work.submit(2L, () -> -1L, false).isPresent());
            // with here, a refused key runs on the caller's thread
            assertEquals(5000L, work.submit(5000L, () -> 5000L, true).orElseThrow().get());
            release.countDown();
            assertEquals(3L, asked.get(2).orElseThrow().get(10, TimeUnit.SECONDS));
        } finally {
            work.shutdown();
        }
    }

    @Test
    void hurryingAWaitingKeyRunsItOnTheCallersThreadAtOnce() throws Exception {
        KeyedBackground<Long, String> work = new KeyedBackground<>("test", 1, 4);
        CountDownLatch release = new CountDownLatch(1);
        try {
            work.submit(0L, () -> {
                await(release);
                return "long";
            }, false).orElseThrow();
            CompletableFuture<String> waiting = work.submit(1L, () -> Thread.currentThread().getName(), false)
                    .orElseThrow();
            CompletableFuture<String> hurried = work.hurry(1L).orElseThrow();
            assertSame(waiting, hurried);
            assertTrue(hurried.isDone(), "run at once, not after the long task");
            assertEquals(Thread.currentThread().getName(), hurried.get());
            assertEquals(0, work.waiting());
            assertTrue(work.hurry(2L).isEmpty());
        } finally {
            release.countDown();
            work.shutdown();
        }
    }

    @Test
    void aFailedKeyIsForgottenAndRunsAgainWhenAskedAgain() throws Exception {
        KeyedBackground<Long, String> work = new KeyedBackground<>("test", 1, 2);
        try {
            CompletableFuture<String> failed = work.submit(3L, () -> {
                throw new IllegalStateException("model could not run");
            }, false).orElseThrow();
            ExecutionException e = assertThrows(ExecutionException.class, () -> failed.get(10, TimeUnit.SECONDS));
            assertEquals("model could not run", e.getCause().getMessage());
            assertTrue(work.inFlight(3L).isEmpty());
            assertEquals("now", work.submit(3L, () -> "now", false).orElseThrow().get(10, TimeUnit.SECONDS));
        } finally {
            work.shutdown();
        }
    }

    @Test
    void aKeyRunningInTheBackgroundIsWaitedForByTheCallerNotRunAgain() throws Exception {
        KeyedBackground<Long, String> work = new KeyedBackground<>("test", 1, 4);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger here = new AtomicInteger();
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try {
            work.submit(7L, () -> {
                started.countDown();
                await(release);
                return "ahead";
            }, false).orElseThrow();
            assertTrue(started.await(10, TimeUnit.SECONDS));
            AtomicReference<Thread> waiting = new AtomicReference<>();
            Future<String> asked = caller.submit(() -> {
                waiting.set(Thread.currentThread());
                return work.runHere(7L, () -> {
                    here.incrementAndGet();
                    return "here";
                }, 30_000);
            });
            // the caller waits for the running key before it ends
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while ((waiting.get() == null || waiting.get().getState() != Thread.State.TIMED_WAITING)
                    && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            release.countDown();
            assertEquals("ahead", asked.get(10, TimeUnit.SECONDS));
            assertEquals(0, here.get(), "not computed a second time");
        } finally {
            release.countDown();
            caller.shutdownNow();
            work.shutdown();
        }
    }

    @Test
    void aKeyRunOnTheCallersThreadIsSharedByTheBackgroundAskingMeanwhile() throws Exception {
        KeyedBackground<Long, String> work = new KeyedBackground<>("test", 1, 4);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger ahead = new AtomicInteger();
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try {
            Future<String> asked = caller.submit(() -> work.runHere(7L, () -> {
                started.countDown();
                await(release);
                return "here";
            }, 30_000));
            assertTrue(started.await(10, TimeUnit.SECONDS));
            CompletableFuture<String> shared = work.submit(7L, () -> {
                ahead.incrementAndGet();
                return "ahead";
            }, false).orElseThrow();
            release.countDown();
            assertEquals("here", asked.get(10, TimeUnit.SECONDS));
            assertEquals("here", shared.get(10, TimeUnit.SECONDS));
            assertEquals(0, ahead.get(), "the look ahead shared the caller's computation");
            assertTrue(work.inFlight(7L).isEmpty());
        } finally {
            release.countDown();
            caller.shutdownNow();
            work.shutdown();
        }
    }

    @Test
    void aCallerWaitsABoundedTimeForAKeyRunningElsewhereAndNeverRunsItAgain() throws Exception {
        KeyedBackground<Long, String> work = new KeyedBackground<>("test", 1, 4);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger here = new AtomicInteger();
        try {
            work.submit(7L, () -> {
                started.countDown();
                await(release);
                return "slow";
            }, false).orElseThrow();
            assertTrue(started.await(10, TimeUnit.SECONDS));
            assertThrows(TimeoutException.class, () -> work.runHere(7L, () -> {
                here.incrementAndGet();
                return "here";
            }, 50));
            assertEquals(0, here.get());
            // a key nobody computes runs here, and its failure comes out as it was thrown
            assertEquals("alone", work.runHere(8L, () -> "alone", 50));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> work.runHere(9L, () -> {
                throw new IllegalStateException("model could not run");
            }, 50));
            assertEquals("model could not run", e.getMessage());
        } finally {
            release.countDown();
            work.shutdown();
        }
    }

    @Test
    void aMapComputedElsewhereForTooLongIsAnsweredAsUnavailableNotComputedTwice() throws Exception {
        MapsAhead ahead = new MapsAhead(50);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger here = new AtomicInteger();
        MapsAhead.Ahead key = new MapsAhead.Ahead(3, 4, "vanilla-gradient");
        try {
            assertTrue(ahead.submit(key, () -> {
                started.countDown();
                await(release);
                return null;
            }));
            assertTrue(started.await(10, TimeUnit.SECONDS));
            Unavailable e = assertThrows(Unavailable.class, () -> ahead.once(key, () -> {
                here.incrementAndGet();
                return null;
            }));
            assertEquals("Map still being computed", e.error());
            assertTrue(e.detail().contains("sample 3") && e.detail().contains("ask again"), e.detail());
            assertEquals(0, here.get());
        } finally {
            release.countDown();
            ahead.close();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
