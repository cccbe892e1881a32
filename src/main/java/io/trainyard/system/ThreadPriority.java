package io.trainyard.system;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lowers the calling thread's CPU priority to the lowest there is, for background work that should use the cores
 * only when the threads that train or serve leave them idle. On Linux, for that thread only: nice 19, then the
 * {@code SCHED_IDLE} policy. The policy is what matters beside training: a nice-19 thread that holds a core may keep
 * it for the rest of its time slice when a training thread wakes up (at every product's end, on two cores), while a
 * {@code SCHED_IDLE} one gives it up at once. Beside MLP training a checkpoint cost less under it than at nice 19 in
 * each of eight paired runs on two machines, 1.6 points on average (docs/performance.md, "The writer under
 * SCHED_IDLE (adopted)"). Neither needs a privilege; the thread still gets a sliver of a busy core, as at nice 19,
 * so it cannot starve. Java's own thread priorities do nothing on Linux unless the JVM is started with extra flags,
 * so this calls the C library (JNA, which the service already ships). Elsewhere, or where the C library refuses (a
 * seccomp profile that forbids {@code sched_setscheduler}, say), the thread keeps what it could get.
 */
public final class ThreadPriority {

    private static final Logger log = LoggerFactory.getLogger(ThreadPriority.class);
    private static final int PRIO_PROCESS = 0;
    private static final int LOWEST = 19;
    private static final int SCHED_IDLE = 5;
    private static final CLibrary C = load();

    private ThreadPriority() {
    }

    interface CLibrary extends Library {
        int setpriority(int which, int who, int priority);

        int getpriority(int which, int who);

        int gettid();

        int sched_setscheduler(int pid, int policy, int[] param);

        int sched_getscheduler(int pid);
    }

    /** Lowers this thread's priority; returns whether it is now the lowest (nice 19 and {@code SCHED_IDLE}). */
    public static boolean lowerCurrentThread() {
        if (C == null) {
            return false;
        }
        try {
            // For PRIO_PROCESS and for sched_setscheduler, Linux takes a thread id and changes that thread alone.
            int tid = C.gettid();
            boolean lowest = C.setpriority(PRIO_PROCESS, tid, LOWEST) == 0;
            return C.sched_setscheduler(tid, SCHED_IDLE, new int[] {0}) == 0 && lowest;
        } catch (LinkageError | RuntimeException e) {
            log.debug("Could not lower the priority of thread {}", Thread.currentThread().getName(), e);
            return false;
        }
    }

    /**
     * Sets the nice value of the JVM's JIT compiler threads (Linux; the others keep theirs). The compiler threads
     * run at the training threads' priority; while jobs train on every core, what they compile (the service's
     * colder paths: a checkpoint's SQL, JSON and archive code keeps reaching compile thresholds for hundreds of
     * checkpoints) takes its CPU from training, and a training thread that waits on a descheduled worker spins. At
     * nice 10 a compiler thread gets about a tenth of a busy core and all of an idle one, so compiling still
     * progresses. Threads the JVM adds later inherit the value from the compiler thread that starts them. Returns
     * how many threads now have it.
     */
    public static int niceCompilerThreads(int nice) {
        int changed = 0;
        for (int tid : compilerThreadIds()) {
            try {
                if (C.setpriority(PRIO_PROCESS, tid, nice) == 0) {
                    changed++;
                }
            } catch (LinkageError | RuntimeException e) {
                log.debug("Could not set the priority of JIT compiler thread {}", tid, e);
            }
        }
        return changed;
    }

    /** The nice value of each of the JVM's JIT compiler threads (Linux), for tests; empty elsewhere. */
    public static List<Integer> compilerThreadsNice() {
        return compilerThreadIds().stream().map(tid -> C.getpriority(PRIO_PROCESS, tid)).toList();
    }

    /** The thread ids of the threads the JVM named "C1 CompilerThread3" and the like; empty where unknown. */
    private static List<Integer> compilerThreadIds() {
        if (C == null) {
            return List.of();
        }
        List<Integer> ids = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                if (isCompilerThread(task)) {
                    ids.add(Integer.parseInt(task.getFileName().toString()));
                }
            }
        } catch (IOException | RuntimeException e) {
            log.debug("Could not list the JVM's threads", e);
        }
        return ids;
    }

    /** Linux keeps the first 15 bytes of a thread's name: "C2 CompilerThre". */
    private static boolean isCompilerThread(Path task) {
        try {
            return Files.readString(task.resolve("comm")).strip().matches("C[12] CompilerThr.*");
        } catch (IOException | RuntimeException e) {
            return false; // the thread ended meanwhile
        }
    }

    /** Whether this thread runs under Linux's {@code SCHED_IDLE} policy; null where that cannot be read. */
    public static Boolean currentIdlePolicy() {
        if (C == null) {
            return null;
        }
        try {
            int policy = C.sched_getscheduler(C.gettid());
            return policy < 0 ? null : policy == SCHED_IDLE;
        } catch (LinkageError | RuntimeException e) {
            return null;
        }
    }

    /** This thread's nice value (Linux), or null where it cannot be read. */
    public static Integer currentNice() {
        if (C == null) {
            return null;
        }
        try {
            return C.getpriority(PRIO_PROCESS, C.gettid());
        } catch (LinkageError | RuntimeException e) {
            return null;
        }
    }

    private static CLibrary load() {
        // Any failure here (JNA unable to unpack its native part into a read-only temp folder, say) must leave the
        // class usable: the checkpoint writer calls it before it writes anything.
        try {
            return Platform.isLinux() ? Native.load("c", CLibrary.class) : null;
        } catch (LinkageError | RuntimeException e) {
            log.debug("No C library for thread priorities", e);
            return null;
        }
    }
}
