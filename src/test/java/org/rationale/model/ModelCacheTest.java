package org.rationale.model;

import org.junit.jupiter.api.Test;
import org.rationale.config.RationaleConfig;
import org.rationale.saliency.ReferenceFixtures;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The loaded-model cache is bounded in bytes, evicts the least recently used and never closes a lent model. */
class ModelCacheTest {

    /** A model of a known size that records whether it was closed. */
    private static class Sized implements AutoCloseable {
        final long version;
        final long bytes;
        boolean closed;

        Sized(long version, long bytes) {
            this.version = version;
            this.bytes = bytes;
        }

        @Override
        public void close() {
            assertFalse(closed, "model of version " + version + " closed twice");
            closed = true;
        }
    }

    private final List<Sized> made = new ArrayList<>();
    /** Sizes in bytes by version: versions 1–3 hold 40, version 4 holds 100 (more than the budget), 5 holds 60. */
    private final Map<Long, Long> sizes = Map.of(1L, 40L, 2L, 40L, 3L, 40L, 4L, 100L, 5L, 60L);
    private final ModelCache<Sized> cache = new ModelCache<>(90, m -> m.bytes);

    private Sized lend(long version) {
        return cache.lend(version, v -> {
            Sized m = new Sized(v, sizes.get(v));
            made.add(m);
            return m;
        });
    }

    private void lendAndGiveBack(long version) {
        cache.giveBack(lend(version));
    }

    @Test
    void aCachedModelIsLentAgainWithoutLoading() {
        Sized first = lend(1);
        cache.giveBack(first);
        Sized again = lend(1);
        assertSame(first, again);
        assertEquals(1, made.size());
        assertEquals(40, cache.bytes());
    }

    @Test
    void theLeastRecentlyUsedModelIsClosedWhenTheBudgetIsPassed() {
        lendAndGiveBack(1);
        lendAndGiveBack(2);
        lendAndGiveBack(1); // 2 is now the least recently used
        lendAndGiveBack(3); // 120 bytes > 90: 2 goes
        assertEquals(List.of(1L, 3L), cache.versions());
        assertEquals(80, cache.bytes());
        assertTrue(made.get(1).closed, "version 2 closed");
        assertFalse(made.get(0).closed);
        assertFalse(made.get(2).closed);
    }

    @Test
    void aLentModelIsNeverClosedUnderItsCallerAndGoesWhenReturned() {
        Sized held = lend(1);
        lendAndGiveBack(2);
        lendAndGiveBack(3); // over budget: 1 is the eldest but lent, so 2 goes instead
        assertFalse(held.closed);
        assertTrue(made.get(1).closed);
        assertEquals(List.of(1L, 3L), cache.versions());
        cache.giveBack(held); // no longer lent: the cache fits its budget again, so it stays
        assertFalse(held.closed);
        assertEquals(List.of(3L, 1L), cache.versions());
        assertEquals(80, cache.bytes());
    }

    @Test
    void whileLentModelsKeepTheCacheOverBudgetAModelReturnedIsClosed() {
        Sized held = lend(1);
        Sized other = lend(2);
        lendAndGiveBack(3); // 120 bytes, 1 and 2 lent: 3 is the only one that can go, and goes once returned
        assertTrue(made.get(2).closed);
        assertEquals(List.of(1L, 2L), cache.versions());
        assertEquals(80, cache.bytes());
        cache.giveBack(other);
        cache.giveBack(held);
        assertFalse(other.closed);
        assertFalse(held.closed);
    }

    @Test
    void aModelLargerThanTheBudgetIsLentButNotKept() {
        lendAndGiveBack(1);
        Sized large = lend(4);
        Sized second = lend(4); // a second caller of the same large version gets its own copy
        assertFalse(large.closed);
        assertEquals(List.of(1L), cache.versions(), "the large model takes no room from the cached ones");
        cache.giveBack(large);
        assertTrue(large.closed, "closed when its caller returns it");
        assertFalse(second.closed);
        cache.giveBack(second);
        assertTrue(second.closed);
        assertFalse(made.get(0).closed);
        assertEquals(40, cache.bytes());
    }

    @Test
    void aModelLentTwiceIsClosedOnlyAfterBothReturnIt() {
        Sized a = lend(1);
        Sized b = lend(1);
        assertSame(a, b);
        lendAndGiveBack(2);
        lendAndGiveBack(3); // over budget: 2 goes, 1 is lent twice
        cache.giveBack(a);
        assertFalse(a.closed);
        lendAndGiveBack(5); // 1 (lent) + 3 + 5 = 140: 3 goes; 5 goes too when returned, 1 is still lent
        assertEquals(List.of(1L), cache.versions());
        cache.giveBack(b);
        assertFalse(a.closed, "within budget again: kept");
        assertEquals(40, cache.bytes());
        assertEquals(List.of(true, true, true), List.of(made.get(1).closed, made.get(2).closed, made.get(3).closed));
    }

    @Test
    void givingBackAModelNeverLentIsRefused() {
        assertThrows(IllegalStateException.class, () -> cache.giveBack(new Sized(9, 1)));
    }

    @Test
    void aZeroBudgetKeepsNothingButStillLends() {
        ModelCache<Sized> none = new ModelCache<>(0, m -> m.bytes);
        Sized m = none.lend(1, v -> new Sized(v, 40));
        none.giveBack(m);
        assertTrue(m.closed);
        assertEquals(0, none.bytes());
    }

    /**
     * Sizes counted from the parameters, known from the fixtures' layers: the fixture CNN (conv 1→4,
     * 4→8, 8→8, all 3×3, and dense 392→10) holds 40 + 296 + 584 + 3,930 = 4,850 floats; with its
     * features/classifier parts (separate copies of the same weights) twice that; the linear fixture
     * 7,850; the platform's CNN on 1×28×28 with 10 classes (conv 1→16, 16→32, dense 1,568→64, 64→10)
     * 160 + 4,640 + 100,416 + 650 = 105,866, its parts sharing the whole network's arrays.
     */
    @Test
    void aModelsSizeIsTheBytesOfItsParameterArrays() {
        InputSpec spec = ReferenceFixtures.spec();
        try (TorchScriptModel whole = TorchScriptModel.load(spec, ReferenceFixtures.bytes("cnn.pt"), null, null);
             TorchScriptModel split = ReferenceFixtures.load("cnn");
             TorchScriptModel linear = ReferenceFixtures.load("linear");
             TrainedCnnModel platform = TrainedCnnModel.initialised(spec)) {
            assertEquals(4_850 * 4, whole.parameterBytes());
            assertEquals(2 * 4_850 * 4, split.parameterBytes());
            assertEquals(7_850 * 4, linear.parameterBytes());
            assertEquals(105_866 * 4, platform.parameterBytes());
        }
    }

    @Test
    void twoCallersAskingForOneVersionAtOnceLoadItOnceAndShareIt() throws Exception {
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger loads = new AtomicInteger();
        ExecutorService callers = Executors.newFixedThreadPool(2);
        try {
            Future<Sized> first = callers.submit(() -> cache.lend(1, v -> {
                loads.incrementAndGet();
                loading.countDown();
                await(release);
                return new Sized(v, 40);
            }));
            assertTrue(loading.await(10, TimeUnit.SECONDS));
            AtomicReference<Thread> second = new AtomicReference<>();
            Future<Sized> other = callers.submit(() -> {
                second.set(Thread.currentThread());
                return cache.lend(1, v -> {
                    loads.incrementAndGet();
                    return new Sized(v, 40);
                });
            });
            awaitWaiting(second);
            release.countDown();
            Sized a = first.get(10, TimeUnit.SECONDS);
            Sized b = other.get(10, TimeUnit.SECONDS);
            assertSame(a, b);
            assertEquals(1, loads.get(), "loaded once");
            cache.giveBack(a);
            assertFalse(a.closed, "still lent to the second caller");
            cache.giveBack(b);
            assertFalse(a.closed, "cached: it fits the budget");
            assertEquals(List.of(1L), cache.versions());
        } finally {
            release.countDown();
            callers.shutdownNow();
        }
    }

    @Test
    void aSlowLoadOfOneVersionHoldsUpNoCallerOfAnotherCachedVersion() throws Exception {
        Sized cached = lend(2);
        cache.giveBack(cached);
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService callers = Executors.newFixedThreadPool(2);
        try {
            Future<Sized> slow = callers.submit(() -> cache.lend(1, v -> {
                loading.countDown();
                await(release);
                return new Sized(v, 40);
            }));
            assertTrue(loading.await(10, TimeUnit.SECONDS));
            Future<Sized> quick = callers.submit(() -> cache.lend(2, v -> {
                throw new AssertionError("version 2 is cached");
            }));
            assertSame(cached, quick.get(10, TimeUnit.SECONDS), "answered while version 1 still loads");
            assertFalse(slow.isDone());
            cache.giveBack(cached);
            release.countDown();
            cache.giveBack(slow.get(10, TimeUnit.SECONDS));
            assertEquals(List.of(2L, 1L), cache.versions());
        } finally {
            release.countDown();
            callers.shutdownNow();
        }
    }

    @Test
    void aLoadThatFailsIsNotCachedAndIsTriedAgain() {
        assertThrows(IllegalStateException.class, () -> cache.lend(1, v -> {
            throw new IllegalStateException("artifact unreadable");
        }));
        assertEquals(List.of(), cache.versions());
        Sized m = lend(1);
        assertEquals(1, made.size());
        cache.giveBack(m);
    }

    @Test
    void aModelThatFailsToCloseIsLoggedAndTheCacheGoesOn() {
        List<LogRecord> logged = new ArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                logged.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger log = Logger.getLogger(ModelCache.class.getName());
        log.addHandler(handler);
        try {
            Sized broken = cache.lend(1, v -> new Sized(v, 40) {
                @Override
                public void close() {
                    super.close();
                    throw new IllegalStateException("native free failed");
                }
            });
            cache.giveBack(broken);
            lendAndGiveBack(2);
            lendAndGiveBack(3); // 120 bytes > 90: 1 goes, and fails to close
            assertTrue(broken.closed);
            assertEquals(List.of(2L, 3L), cache.versions());
            assertEquals(80, cache.bytes());
            assertTrue(logged.stream().anyMatch(r -> r.getLevel().intValue() >= Level.SEVERE.intValue()
                    && r.getThrown() != null && "native free failed".equals(r.getThrown().getMessage())),
                    "the failure is logged with its cause");
        } finally {
            log.removeHandler(handler);
        }
    }

    @Test
    void aCacheSizeThatIsNoSizeOrOutOfRangeStopsTheStartNamingTheSettingAndTheRange() {
        long memory = 8L << 30;
        for (String bad : List.of("-1", "abc", "1.5G", "9T", "99999999999999999999999E")) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> ModelService.cacheBudget(Optional.of(bad), memory));
            assertTrue(e.getMessage().contains("rationale.models.cache-bytes is '" + bad + "'")
                    && e.getMessage().contains("512M or 4G") && e.getMessage().contains("8192 MB"), e.getMessage());
        }
        assertEquals(0, ModelService.cacheBudget(Optional.of("0"), memory), "0: no model kept loaded");
        assertEquals(150L << 20, ModelService.cacheBudget(Optional.of(" 150M "), memory));
        assertEquals(memory, ModelService.cacheBudget(Optional.of("8G"), memory));
        assertEquals(1L << 30, ModelService.cacheBudget(Optional.empty(), memory), "absent: an eighth of the memory");
        assertEquals(256L << 20, ModelService.cacheBudget(Optional.empty(), 1L << 30), "and at least 256 MB");

        RationaleConfig.Models models = (RationaleConfig.Models) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {RationaleConfig.Models.class}, (p, m, a) -> Optional.of("-5G"));
        RationaleConfig config = (RationaleConfig) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {RationaleConfig.class}, (p, m, a) -> m.getName().equals("models") ? models : null);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new ModelService(null, null, null, null, config, null));
        assertTrue(e.getMessage().contains("rationale.models.cache-bytes is '-5G'"), e.getMessage());
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until the thread parks, waiting for another caller's load. */
    private static void awaitWaiting(AtomicReference<Thread> thread) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((thread.get() == null || thread.get().getState() != Thread.State.WAITING) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(Thread.State.WAITING, thread.get().getState(), "the second caller waits for the first one's load");
    }
}
