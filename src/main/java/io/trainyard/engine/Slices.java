package io.trainyard.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs a loop over the examples of a mini-batch in slices, one per core: the engine layers whose work is many small
 * steps per example (an LSTM's time loop, pooling) split the batch instead of each small operation, which on few
 * cores costs more in thread wake-ups than in arithmetic. The calling thread runs the first slice.
 */
final class Slices {

    private static final ExecutorService POOL = pool();

    private Slices() {
    }

    @FunctionalInterface
    interface Body {
        /** Processes examples {@code [from, to)}. */
        void run(int from, int to);
    }

    /** How many slices of at least {@code minSlice} examples {@code count} examples make on this machine. */
    static int count(int count, int minSlice) {
        return POOL == null ? 1 : Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), count / minSlice));
    }

    /** Examples per slice (the last may have fewer): slice {@code k} starts at {@code k * size(count, minSlice)}. */
    static int size(int count, int minSlice) {
        int slices = count(count, minSlice);
        return (count + slices - 1) / slices;
    }

    /** Runs {@code body} over {@code [0, count)} in {@link #count} slices and returns when all are done. */
    static void run(int count, int minSlice, Body body) {
        if (count(count, minSlice) == 1) {
            body.run(0, count);
            return;
        }
        int per = size(count, minSlice);
        List<Future<?>> others = new ArrayList<>();
        for (int from = per; from < count; from += per) {
            int a = from;
            int b = Math.min(count, from + per);
            others.add(POOL.submit(() -> body.run(a, b)));
        }
        Throwable failure = null;
        try {
            body.run(0, Math.min(count, per));
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        // Every slice is awaited, failed or not: none may still run on arrays the caller is about to release.
        for (Future<?> f : others) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = failure != null ? failure
                        : new IllegalStateException("interrupted while waiting for a slice of the mini-batch", e);
            } catch (ExecutionException e) {
                failure = failure != null ? failure : e.getCause();
            }
        }
        if (failure instanceof RuntimeException r) {
            throw r;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
    }

    private static ExecutorService pool() {
        int others = Runtime.getRuntime().availableProcessors() - 1;
        if (others < 1) {
            return null;
        }
        return Executors.newFixedThreadPool(others, r -> {
            Thread t = new Thread(r, "trainyard-slice");
            t.setDaemon(true);
            return t;
        });
    }
}
