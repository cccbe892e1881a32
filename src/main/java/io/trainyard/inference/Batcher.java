package io.trainyard.inference;

import io.trainyard.engine.BlasThreads;
import io.trainyard.engine.Network;
import io.trainyard.engine.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that runs a loaded network, fed by a queue (Triton's dynamic batcher). It takes the first waiting
 * request, then gathers more (same operation) until the batch holds {@code maxBatchSize} instances or
 * {@code maxQueueDelay} has passed, runs them as one network call and hands each caller its own rows. Requests
 * that arrive while a call runs pile up and form the next batch, so under load batches fill without waiting.
 *
 * <p>One thread per network also makes the network safe to share: DL4J layers keep the last input in fields, so
 * even {@code output} and {@code encode} must never run at the same time on one network.
 */
final class Batcher {

    enum Operation { OUTPUT, ENCODE }

    private static final Logger log = LoggerFactory.getLogger(Batcher.class);

    /** {@code mask}: for padded sequences, {@code [rows, length]} with 1 for real steps; null when all are real. */
    private record Job(Operation operation, Tensor input, Tensor mask, CompletableFuture<Tensor> result,
            long enqueuedNanos) {
        int rows() {
            return input.batchSize();
        }
    }

    /** The batcher was closed (its model evicted) before the job was queued; resolve the model again. */
    static final class ClosedException extends RuntimeException {
        ClosedException() {
            super("batcher closed", null, false, false);
        }
    }

    private static final long RETIRE_GRACE_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** Values of a concatenated input worth keeping for the next batch (4 MB). */
    private static final int CONCAT_KEPT = 1 << 20;

    private final ModelKey key;
    private final Network network;
    private final InferenceProperties.Batching batching;
    private final InferenceMetrics.ModelMeters meters;
    private final BlockingQueue<Job> queue;
    private final int capacity;
    private final Thread worker;
    private volatile boolean closed;
    /** After close(), jobs are still taken until then (System.nanoTime()): see {@link #close()}. */
    private volatile long retireAt = Long.MAX_VALUE;
    private int lastBatchRequests;
    /**
     * The worker's last concatenated input, reused by {@link #concat}; only the worker touches it. Kept only up to
     * {@link #CONCAT_KEPT} values: a loaded model holds it while idle, outside the model cache's byte bound.
     */
    private float[] lastConcat;

    Batcher(ModelKey key, Network network, InferenceProperties.Batching batching, int capacity,
            InferenceMetrics.ModelMeters meters) {
        this.key = key;
        this.network = network;
        this.batching = batching;
        this.meters = meters;
        this.capacity = capacity;
        this.queue = new LinkedBlockingQueue<>(capacity);
        this.worker = new Thread(this::run, "inference-" + key.model() + "-v" + key.version());
        this.worker.setDaemon(true);
        this.worker.start();
    }

    /** Queues {@code input} (already in the engine's layout); the future completes with its rows of the output. */
    CompletableFuture<Tensor> submit(Operation operation, Tensor input) {
        return submit(operation, input, null);
    }

    /** As {@link #submit(Operation, Tensor)}, for padded sequences with their {@code [rows, length]} mask. */
    CompletableFuture<Tensor> submit(Operation operation, Tensor input, Tensor mask) {
        if (retired()) {
            throw new ClosedException();
        }
        Job job = new Job(operation, input, mask, new CompletableFuture<>(), System.nanoTime());
        if (!queue.offer(job)) {
            throw InferenceErrors.overloaded(key, capacity);
        }
        // close() may have run between the check and the offer, after the worker drained the queue: take the job
        // back. If the worker already took it, it runs it.
        if (retired() && queue.remove(job)) {
            throw new ClosedException();
        }
        return job.result();
    }

    /** Stops taking new jobs; the worker finishes what is queued, then ends. */
    void close() {
        retireAt = System.nanoTime();
        closed = true;
    }

    /**
     * Closes after a short grace period: a request that got this model just before the cache evicted it still gets
     * its answer, so eviction never fails a request already on its way (when more versions are in demand than the
     * cache holds, one can be evicted right after it loads); later submissions are refused and resolve the model
     * again.
     */
    void retire() {
        if (closed) {
            return; // already closing: a second eviction must not reopen it (its worker may have ended)
        }
        retireAt = System.nanoTime() + RETIRE_GRACE_NANOS;
        closed = true;
    }

    private boolean retired() {
        return closed && System.nanoTime() - retireAt >= 0;
    }

    private void run() {
        Job carry = null;
        while (true) {
            Job first;
            try {
                first = carry != null ? carry : queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            carry = null;
            if (first == null) {
                if (retired() && queue.isEmpty()) {
                    return;
                }
                continue;
            }
            List<Job> batch = new ArrayList<>();
            batch.add(first);
            if (batching.enabled()) {
                carry = gather(batch, first);
            }
            lastBatchRequests = batch.size();
            execute(batch);
        }
    }

    /**
     * Adds queued jobs to {@code batch}; returns a taken job that did not fit (it starts the next batch). It waits
     * for more only under concurrency (more queued now, or the last batch had company): a lone caller would just
     * pay the delay.
     */
    private Job gather(List<Job> batch, Job first) {
        int rows = first.rows();
        boolean concurrent = lastBatchRequests > 1 || !queue.isEmpty();
        long deadline = System.nanoTime() + (concurrent ? batching.maxQueueDelay().toNanos() : 0);
        while (rows < batching.maxBatchSize()) {
            Job next = queue.poll();
            if (next == null) {
                long wait = deadline - System.nanoTime();
                if (wait <= 0) {
                    break;
                }
                try {
                    next = queue.poll(wait, TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                if (next == null) {
                    break;
                }
            }
            if (next.operation() != first.operation() || rows + next.rows() > batching.maxBatchSize()) {
                return next;
            }
            batch.add(next);
            rows += next.rows();
        }
        return null;
    }

    private void execute(List<Job> batch) {
        long start = System.nanoTime();
        for (Job job : batch) {
            meters.queueTime(start - job.enqueuedNanos());
        }
        try {
            Tensor input = batch.size() == 1 ? batch.get(0).input() : concat(batch);
            Supplier<Tensor> call = batch.get(0).operation() == Operation.ENCODE ? () -> network.encode(input)
                    : () -> network.output(input, masks(batch));
            // Company in the batch means requests are arriving concurrently: the HTTP threads need the other core,
            // and a second BLAS thread only contends with them (p99 at 64 connections 16 against 19-20 ms,
            // docs/inference.md). A lone request gets both cores: its latency is the product's.
            long called = System.nanoTime();
            Tensor output = batch.size() > 1 ? BlasThreads.single(call) : call.get();
            meters.batch(input.batchSize(), System.nanoTime() - called);
            int row = 0;
            for (Job job : batch) {
                job.result().complete(batch.size() == 1 ? output : slice(output, row, job.rows()));
                row += job.rows();
            }
        } catch (RuntimeException | Error e) {
            log.error("Inference failed for model {} ({} requests in the batch)", key, batch.size(), e);
            batch.forEach(job -> job.result().completeExceptionally(e));
        }
    }

    /**
     * The batch's inputs in one array. Under load batches keep one size, so the last batch's array is reused when the
     * total matches: the network copies its input into native memory and keeps nothing of the array.
     */
    private Tensor concat(List<Job> batch) {
        int rows = 0;
        int total = 0;
        for (Job job : batch) {
            rows += job.rows();
            total += job.input().data().length;
        }
        float[] data = lastConcat != null && lastConcat.length == total ? lastConcat : new float[total];
        lastConcat = total <= CONCAT_KEPT ? data : null;
        int at = 0;
        for (Job job : batch) {
            float[] d = job.input().data();
            System.arraycopy(d, 0, data, at, d.length);
            at += d.length;
        }
        int[] shape = batch.get(0).input().shape().clone();
        shape[0] = rows;
        return new Tensor(data, shape);
    }

    /** The batch's masks stacked, all-ones rows for jobs without one; null when no job has a mask. */
    private static Tensor masks(List<Job> batch) {
        if (batch.stream().allMatch(job -> job.mask() == null)) {
            return null;
        }
        if (batch.size() == 1) {
            return batch.get(0).mask();
        }
        int steps = batch.get(0).input().shape()[1];
        int rows = 0;
        for (Job job : batch) {
            rows += job.rows();
        }
        float[] data = new float[rows * steps];
        int at = 0;
        for (Job job : batch) {
            int length = job.rows() * steps;
            if (job.mask() == null) {
                java.util.Arrays.fill(data, at, at + length, 1f);
            } else {
                System.arraycopy(job.mask().data(), 0, data, at, length);
            }
            at += length;
        }
        return Tensor.of(data, rows, steps);
    }

    static Tensor slice(Tensor t, int fromRow, int rows) {
        int width = t.data().length / t.batchSize();
        float[] data = new float[rows * width];
        System.arraycopy(t.data(), fromRow * width, data, 0, data.length);
        int[] shape = t.shape().clone();
        shape[0] = rows;
        return new Tensor(data, shape);
    }
}
