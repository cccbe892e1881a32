package io.trainyard.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class LoadingLruTest {

    /** A loaded value: its name and weight. */
    record Value(String key, long weight) {
    }

    private final AtomicLong clock = new AtomicLong();
    private final List<String> unloaded = new ArrayList<>();
    private final AtomicInteger loads = new AtomicInteger();

    private LoadingLru<String, Value> lru(int maxEntries, long maxWeight) {
        return new LoadingLru<>(maxEntries, maxWeight, Value::weight,
                (key, value, cause) -> unloaded.add(key), Runnable::run, clock::get);
    }

    private Function<String, Value> weighing(long weight) {
        return key -> {
            loads.incrementAndGet();
            return new Value(key, weight);
        };
    }

    private Value use(LoadingLru<String, Value> lru, String key) {
        clock.addAndGet(LoadingLru.TOUCH_RESOLUTION_NANOS);
        return lru.get(key, weighing(1)).join();
    }

    @Test
    void aNewValueIsAdmittedIntoAFullCacheAndTheLeastRecentlyUsedGoes() {
        LoadingLru<String, Value> lru = lru(2, 100);
        use(lru, "a");
        use(lru, "b");
        for (int i = 0; i < 50; i++) { // "b" is used far more often, but "a" (loaded first) more recently
            use(lru, "b");
        }
        use(lru, "a");

        use(lru, "c");

        assertThat(lru.getIfLoaded("c")).isNotNull();
        assertThat(lru.getIfLoaded("a")).isNotNull();
        assertThat(lru.getIfLoaded("b")).isNull();
        assertThat(unloaded).containsExactly("b");
        assertThat(lru.size()).isEqualTo(2);
    }

    @Test
    void aLoadedValueIsServedWithoutLoadingAgain() {
        LoadingLru<String, Value> lru = lru(2, 100);
        Value first = use(lru, "a");
        Value second = use(lru, "a");
        assertThat(second).isSameAs(first);
        assertThat(loads).hasValue(1);
    }

    @Test
    void checkingWhetherAValueIsLoadedDoesNotCountAsAUse() {
        LoadingLru<String, Value> lru = lru(2, 100);
        use(lru, "a");
        use(lru, "b");
        clock.addAndGet(10 * LoadingLru.TOUCH_RESOLUTION_NANOS);
        assertThat(lru.getIfLoaded("a")).isNotNull();
        use(lru, "c");
        assertThat(unloaded).containsExactly("a");
    }

    @Test
    void theWeightBudgetEvictsAsManyAsItTakes() {
        LoadingLru<String, Value> lru = lru(10, 100);
        clock.addAndGet(LoadingLru.TOUCH_RESOLUTION_NANOS);
        lru.get("a", weighing(30)).join();
        clock.addAndGet(LoadingLru.TOUCH_RESOLUTION_NANOS);
        lru.get("b", weighing(30)).join();
        clock.addAndGet(LoadingLru.TOUCH_RESOLUTION_NANOS);
        lru.get("c", weighing(30)).join();
        assertThat(unloaded).isEmpty();

        clock.addAndGet(LoadingLru.TOUCH_RESOLUTION_NANOS);
        lru.get("d", weighing(60)).join();

        assertThat(unloaded).containsExactly("a", "b");
        assertThat(lru.getIfLoaded("c")).isNotNull();
        assertThat(lru.getIfLoaded("d")).isNotNull();
        assertThat(lru.weight()).isEqualTo(90);
    }

    @Test
    void aValueHeavierThanTheWholeBudgetIsStillServedAlone() {
        LoadingLru<String, Value> lru = lru(10, 100);
        use(lru, "a");
        Value heavy = lru.get("heavy", weighing(500)).join();

        assertThat(heavy.weight()).isEqualTo(500);
        assertThat(lru.getIfLoaded("heavy")).isSameAs(heavy);
        assertThat(unloaded).containsExactly("a");

        use(lru, "b");
        assertThat(unloaded).containsExactly("a", "heavy");
    }

    @Test
    void aFailedLoadIsForgottenAndTheNextGetTriesAgain() {
        LoadingLru<String, Value> lru = lru(2, 100);
        CompletableFuture<Value> failed = lru.get("a", key -> {
            throw new IllegalStateException("artifact missing");
        });
        assertThatThrownBy(failed::join).isInstanceOf(CompletionException.class)
                .hasRootCauseMessage("artifact missing");
        assertThat(lru.getIfLoaded("a")).isNull();

        assertThat(lru.get("a", weighing(1)).join().key()).isEqualTo("a");
        assertThat(loads).hasValue(1);
    }

    @Test
    void removeTakesOnlyTheValueItWasGiven() {
        LoadingLru<String, Value> lru = lru(2, 100);
        Value a = use(lru, "a");
        assertThat(lru.remove("a", new Value("a", 1))).isFalse();
        assertThat(lru.getIfLoaded("a")).isSameAs(a);

        assertThat(lru.remove("a", a)).isTrue();
        assertThat(lru.getIfLoaded("a")).isNull();
        assertThat(unloaded).containsExactly("a");
        assertThat(use(lru, "a")).isNotSameAs(a);
    }

    @Test
    void clearUnloadsEverything() {
        LoadingLru<String, Value> lru = lru(3, 100);
        use(lru, "a");
        use(lru, "b");
        lru.clear();
        assertThat(unloaded).containsExactlyInAnyOrder("a", "b");
        assertThat(lru.size()).isZero();
    }

    @Test
    void concurrentGetsOfOneKeyLoadItOnceAndAValueRemovedWhileLoadingIsUnloaded() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch release = new CountDownLatch(1);
        List<String> unloadedHere = java.util.Collections.synchronizedList(new ArrayList<>());
        try {
            LoadingLru<String, Value> lru = new LoadingLru<>(2, 100, Value::weight,
                    (key, value, cause) -> unloadedHere.add(key + ":" + cause), pool, System::nanoTime);
            Function<String, Value> slow = key -> {
                loads.incrementAndGet();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return new Value(key, 1);
            };
            List<CompletableFuture<Value>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                futures.add(lru.get("a", slow));
            }
            assertThat(lru.getIfLoaded("a")).isNull();
            lru.clear(); // nothing loaded yet, so nothing to unload now; the load in flight is dropped when done
            release.countDown();

            Value value = futures.get(0).get(10, TimeUnit.SECONDS);
            for (CompletableFuture<Value> f : futures) {
                assertThat(f.get(10, TimeUnit.SECONDS)).isSameAs(value);
            }
            assertThat(loads).hasValue(1);
            pool.shutdown();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            assertThat(unloadedHere).containsExactly("a:REMOVED");
            assertThat(lru.getIfLoaded("a")).isNull();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void manyConcurrentLoadsEndWithinTheLimitsAndEveryValueIsUnloadedExactlyOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        java.util.Map<String, Integer> unloadCounts = new java.util.concurrent.ConcurrentHashMap<>();
        try {
            LoadingLru<String, Value> lru = new LoadingLru<>(3, 100, Value::weight,
                    (key, value, cause) -> unloadCounts.merge(key, 1, Integer::sum), pool, System::nanoTime);
            List<CompletableFuture<Value>> futures = new ArrayList<>();
            for (int round = 0; round < 20; round++) {
                for (int k = 0; k < 10; k++) {
                    futures.add(lru.get("k" + k, weighing(1)));
                }
            }
            for (CompletableFuture<Value> f : futures) {
                assertThat(f.get(30, TimeUnit.SECONDS)).isNotNull();
            }
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

            assertThat(lru.size()).isLessThanOrEqualTo(3);
            int unloads = unloadCounts.values().stream().mapToInt(Integer::intValue).sum();
            assertThat(unloads).as("every load ends loaded or unloaded once").isEqualTo(loads.get() - lru.size());
            lru.clear();
            assertThat(unloadCounts.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(loads.get());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aShutDownExecutorFailsTheLoadInsteadOfLeavingItPending() {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        pool.shutdown();
        LoadingLru<String, Value> lru = new LoadingLru<>(2, 100, Value::weight,
                (key, value, cause) -> unloaded.add(key), pool, clock::get);
        assertThatThrownBy(() -> lru.get("a", weighing(1)).join()).isInstanceOf(CompletionException.class);
        assertThat(lru.size()).isZero();
    }
}
