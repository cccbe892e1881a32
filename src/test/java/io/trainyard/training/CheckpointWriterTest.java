package io.trainyard.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.trainyard.checkpoints.CheckpointInfo;
import io.trainyard.system.ThreadPriority;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

class CheckpointWriterTest {

    private static CheckpointInfo info(int epoch) {
        return new CheckpointInfo(UUID.randomUUID(), UUID.randomUUID(), epoch, epoch * 10L, "k", 1, "s", null, Map.of(),
                Instant.now());
    }

    @Test
    void persistsOnItsOwnThreadWhileTheTrainerGoesOn() throws Exception {
        CountDownLatch trainerWentOn = new CountDownLatch(1);
        AtomicReference<String> thread = new AtomicReference<>();
        CheckpointInfo committed = info(3);
        try (CheckpointWriter writer = new CheckpointWriter("job")) {
            writer.submit(() -> {
                thread.set(Thread.currentThread().getName());
                trainerWentOn.await(); // would deadlock if submit ran the work on the caller's thread
                return Optional.of(committed);
            });
            trainerWentOn.countDown();

            CheckpointWriter.Result result = writer.await();

            assertThat(result.info()).isEqualTo(committed);
            assertThat(result.leaseLost()).isFalse();
            assertThat(thread.get()).isEqualTo("checkpoint-job");
            assertThat(writer.await()).as("nothing in flight any more").isEqualTo(CheckpointWriter.Result.NONE);
        }
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void writesAtTheLowestPriorityAndUnderSchedIdleWhileTheTrainerKeepsItsOwn() throws Exception {
        Integer trainer = ThreadPriority.currentNice();
        assumeThat(trainer).as("the tests' JVM runs below the lowest priority").isNotNull().isLessThan(19);
        AtomicReference<Integer> writerNice = new AtomicReference<>();
        AtomicReference<Boolean> writerIdle = new AtomicReference<>();
        try (CheckpointWriter writer = new CheckpointWriter("job")) {
            writer.submit(() -> {
                writerNice.set(ThreadPriority.currentNice());
                writerIdle.set(ThreadPriority.currentIdlePolicy());
                return Optional.empty();
            });
            writer.await();
        }
        assertThat(writerNice.get()).isEqualTo(19);
        if (schedIdleAllowedHere()) {
            assertThat(writerIdle.get()).as("the writer runs under SCHED_IDLE").isTrue();
        }
        assertThat(ThreadPriority.currentNice()).as("the caller's own priority").isEqualTo(trainer);
        assertThat(ThreadPriority.currentIdlePolicy()).as("the caller's own policy").isFalse();
    }

    /** The C library itself, not ThreadPriority: whether this machine lets a thread take SCHED_IDLE at all. */
    interface Scheduler extends com.sun.jna.Library {
        int sched_setscheduler(int pid, int policy, int[] param);

        int gettid();
    }

    /** Tried on a throwaway thread (a thread cannot leave SCHED_IDLE without a privilege). */
    private static boolean schedIdleAllowedHere() throws InterruptedException {
        AtomicBoolean allowed = new AtomicBoolean();
        Thread probe = new Thread(() -> {
            Scheduler c = com.sun.jna.Native.load("c", Scheduler.class);
            allowed.set(c.sched_setscheduler(c.gettid(), 5, new int[] {0}) == 0); // 5: SCHED_IDLE
        });
        probe.start();
        probe.join();
        return allowed.get();
    }

    @Test
    void aCommitRefusedForALostLeaseIsReportedAsSuch() throws Exception {
        try (CheckpointWriter writer = new CheckpointWriter("job")) {
            writer.submit(Optional::empty);
            assertThat(writer.await().leaseLost()).isTrue();
        }
    }

    @Test
    void aFailedWriteSurfacesAtTheNextAwaitWithItsCause() {
        try (CheckpointWriter writer = new CheckpointWriter("job")) {
            writer.submit(() -> {
                throw new IOException("disk full");
            });
            assertThatThrownBy(writer::await).isInstanceOf(IOException.class).hasMessage("disk full");
        }
    }

    @Test
    void onlyOneCheckpointIsInFlightAtATime() throws Exception {
        try (CheckpointWriter writer = new CheckpointWriter("job")) {
            writer.submit(() -> Optional.of(info(1)));
            assertThatThrownBy(() -> writer.submit(() -> Optional.of(info(2))))
                    .isInstanceOf(IllegalStateException.class);
            assertThat(writer.await().info().epoch()).isEqualTo(1);
        }
    }

    @Test
    void closingLetsTheCheckpointInFlightFinish() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean finished = new AtomicBoolean();
        CheckpointWriter writer = new CheckpointWriter("job");
        writer.submit(() -> {
            started.countDown();
            Thread.sleep(200); // give close() the chance to return early if it did not wait
            finished.set(true);
            return Optional.of(info(1));
        });
        started.await();

        writer.close();

        assertThat(finished).isTrue();
    }
}
