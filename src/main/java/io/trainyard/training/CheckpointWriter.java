package io.trainyard.training;

import io.trainyard.checkpoints.CheckpointInfo;
import io.trainyard.system.ThreadPriority;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Persists one job's checkpoints on a background thread while the next epoch trains: the trainer takes a
 * memory snapshot at the epoch boundary and goes on; serialising, hashing, uploading and the fenced commit
 * happen here (CheckFreq's snapshot-then-persist pipelining). At most one checkpoint is in flight: the next one
 * first waits for it, so checkpoints commit in epoch order and a failure surfaces at the next checkpoint at the
 * latest.
 */
final class CheckpointWriter implements AutoCloseable {

    private final ExecutorService thread;
    private Future<Optional<CheckpointInfo>> inFlight;

    CheckpointWriter(String jobId) {
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(() -> {
                // The training threads beside it come first: nice 19 and SCHED_IDLE, which yields a core the moment
                // a training thread wakes (io.trainyard.bench.CheckpointPriorityBench, docs/performance.md). A
                // starved writer cannot hold training up for longer than before: the next checkpoint waits for it,
                // and then the cores are free.
                ThreadPriority.lowerCurrentThread();
                r.run();
            }, "checkpoint-" + jobId);
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts persisting; call {@link #await} first so that no earlier checkpoint is still in flight. */
    void submit(Callable<Optional<CheckpointInfo>> persist) {
        if (inFlight != null) {
            throw new IllegalStateException("await the checkpoint in flight first");
        }
        inFlight = thread.submit(persist);
    }

    /**
     * Waits for the checkpoint in flight, if any. Returns what it committed: empty when nothing was in flight
     * or when the lease was lost before the commit.
     */
    Result await() throws IOException {
        if (inFlight == null) {
            return Result.NONE;
        }
        Future<Optional<CheckpointInfo>> f = inFlight;
        inFlight = null;
        try {
            return f.get().map(Result::committed).orElse(Result.LEASE_LOST);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while a checkpoint was being written");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IOException("writing a checkpoint failed", e.getCause());
        }
    }

    /** Lets a checkpoint in flight finish (a cancelled job keeps it), then stops the thread. */
    @Override
    public void close() {
        try {
            if (inFlight != null) {
                inFlight.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException ignored) {
            // The attempt is ending anyway; the failure was logged where it happened.
        } finally {
            inFlight = null;
            thread.shutdown();
        }
    }

    /** What the checkpoint in flight came to. */
    record Result(CheckpointInfo info, boolean leaseLost) {

        static final Result NONE = new Result(null, false);
        static final Result LEASE_LOST = new Result(null, true);

        static Result committed(CheckpointInfo info) {
            return new Result(info, false);
        }
    }
}
