package io.trainyard.inference;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

/**
 * Values loaded in the background and kept while they fit: at most {@code maxEntries} of them and at most
 * {@code maxWeight} in all, the least recently used going first. Every value that loads is admitted, even into a
 * full cache: the one just loaded is the one a caller is waiting for (a frequency-based cache such as Caffeine's
 * W-TinyLFU can turn it away in favour of busier ones — docs/inference.md, "Model cache").
 *
 * <p>A read is a map lookup and, at most once per {@link #TOUCH_RESOLUTION_NANOS}, a write of the entry's
 * last-used time: no lock on the request path. Eviction scans the few loaded entries under a lock, and runs only
 * when a load completes.
 */
final class LoadingLru<K, V> {

    /** Recency is tracked to this resolution, so a hot entry is written at most a thousand times a second. */
    static final long TOUCH_RESOLUTION_NANOS = 1_000_000;

    private final int maxEntries;
    private final long maxWeight;
    private final ToLongFunction<V> weigher;
    private final Unload<K, V> onEvict;
    private final Executor executor;
    private final LongSupplier clock;
    private final Map<K, Slot<V>> slots = new ConcurrentHashMap<>();
    private final Object evictions = new Object();

    /** Why a loaded value left the cache. */
    enum Cause {
        /** The least recently used, to make room for a value that loaded. */
        EVICTED,
        /** Removed by {@link #remove}, or while it was still loading. */
        REMOVED,
        /** {@link #clear}. */
        CLEARED
    }

    /** Told of every loaded value that leaves the cache, once. */
    @FunctionalInterface
    interface Unload<K, V> {
        void unloaded(K key, V value, Cause cause);
    }

    private static final class Slot<V> {
        final CompletableFuture<V> value = new CompletableFuture<>();
        final AtomicBoolean unloaded = new AtomicBoolean();
        volatile long lastUsed;

        Slot(long now) {
            lastUsed = now;
        }

        void touch(long now) {
            if (now - lastUsed >= TOUCH_RESOLUTION_NANOS) {
                lastUsed = now;
            }
        }

        V loaded() {
            return value.isDone() && !value.isCompletedExceptionally() ? value.join() : null;
        }
    }

    /**
     * @param weigher the weight of a loaded value (for models, the artifact's bytes)
     * @param onEvict called once for every loaded value that leaves the cache (evicted, removed or cleared)
     * @param clock   nanoseconds, for recency (System::nanoTime outside tests)
     */
    LoadingLru(int maxEntries, long maxWeight, ToLongFunction<V> weigher, Unload<K, V> onEvict,
            Executor executor, LongSupplier clock) {
        if (maxEntries < 1 || maxWeight < 1) {
            throw new IllegalArgumentException("maxEntries and maxWeight must be positive");
        }
        this.maxEntries = maxEntries;
        this.maxWeight = maxWeight;
        this.weigher = weigher;
        this.onEvict = onEvict;
        this.executor = executor;
        this.clock = clock;
    }

    /** The value for {@code key}, loading it on the executor first if it is neither loaded nor loading. */
    CompletableFuture<V> get(K key, Function<K, V> loader) {
        long now = clock.getAsLong();
        Slot<V> slot = slots.get(key);
        if (slot == null) {
            Slot<V> fresh = new Slot<>(now);
            slot = slots.putIfAbsent(key, fresh);
            if (slot == null) {
                start(key, fresh, loader);
                return fresh.value;
            }
        }
        slot.touch(now);
        return slot.value;
    }

    /** The loaded value, or null when it is absent, still loading or failed; not a use, so recency is unchanged. */
    V getIfLoaded(K key) {
        Slot<V> slot = slots.get(key);
        return slot == null ? null : slot.loaded();
    }

    /** Removes {@code key} if it is loaded with exactly {@code value}; returns whether it did. */
    boolean remove(K key, V value) {
        Slot<V> slot = slots.get(key);
        if (slot != null && slot.loaded() == value && slots.remove(key, slot)) {
            unload(key, slot, Cause.REMOVED);
            return true;
        }
        return false;
    }

    /** Removes every entry; loads still running are dropped when they finish. */
    void clear() {
        for (Map.Entry<K, Slot<V>> e : slots.entrySet()) {
            if (slots.remove(e.getKey(), e.getValue())) {
                unload(e.getKey(), e.getValue(), Cause.CLEARED);
            }
        }
    }

    /** Loaded entries (not those still loading). */
    int size() {
        int n = 0;
        for (Slot<V> slot : slots.values()) {
            n += slot.loaded() != null ? 1 : 0;
        }
        return n;
    }

    /** The loaded entries' weight in all. */
    long weight() {
        long sum = 0;
        for (Slot<V> slot : slots.values()) {
            V value = slot.loaded();
            sum += value == null ? 0 : weigher.applyAsLong(value);
        }
        return sum;
    }

    private void start(K key, Slot<V> slot, Function<K, V> loader) {
        try {
            executor.execute(() -> {
                V value;
                try {
                    value = loader.apply(key);
                } catch (Throwable e) {
                    fail(key, slot, e);
                    return;
                }
                slot.value.complete(value);
                if (slots.get(key) != slot) {
                    // removed or cleared while loading: nobody would unload it later
                    unload(key, slot, Cause.REMOVED);
                    return;
                }
                evictFor(key);
            });
        } catch (RuntimeException rejected) { // the executor is shut down
            fail(key, slot, rejected);
        }
    }

    /** Tells {@code onEvict} of a loaded value that left the map, once, whichever removal raced which. */
    private void unload(K key, Slot<V> slot, Cause cause) {
        V value = slot.loaded();
        if (value != null && slot.unloaded.compareAndSet(false, true)) {
            onEvict.unloaded(key, value, cause);
        }
    }

    private void fail(K key, Slot<V> slot, Throwable e) {
        slots.remove(key, slot); // the next get tries again
        slot.value.completeExceptionally(e);
    }

    /** Evicts least recently used entries, never {@code admitted}, until the loaded ones fit both limits. */
    private void evictFor(K admitted) {
        synchronized (evictions) {
            while (true) {
                int count = 0;
                long weight = 0;
                K oldestKey = null;
                Slot<V> oldest = null;
                for (Map.Entry<K, Slot<V>> e : slots.entrySet()) {
                    V value = e.getValue().loaded();
                    if (value == null) {
                        continue;
                    }
                    count++;
                    weight += weigher.applyAsLong(value);
                    if (!e.getKey().equals(admitted)
                            && (oldest == null || e.getValue().lastUsed - oldest.lastUsed < 0)) {
                        oldestKey = e.getKey();
                        oldest = e.getValue();
                    }
                }
                if ((count <= maxEntries && weight <= maxWeight) || oldest == null) {
                    return; // fits, or only the admitted entry is left: it stays even when it alone is too heavy
                }
                if (slots.remove(oldestKey, oldest)) {
                    unload(oldestKey, oldest, Cause.EVICTED);
                }
            }
        }
    }
}
