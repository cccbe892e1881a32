package io.trainyard.system;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lowers the calling thread's CPU priority to the lowest there is (Linux: nice 19, for that thread only), for
 * background work that should use the cores only when the threads that train or serve leave them idle. Java's own
 * thread priorities do nothing on Linux unless the JVM is started with extra flags, so this calls the C library
 * (JNA, which the service already ships). Elsewhere, or where the C library refuses, the thread keeps its priority.
 */
public final class ThreadPriority {

    private static final Logger log = LoggerFactory.getLogger(ThreadPriority.class);
    private static final int PRIO_PROCESS = 0;
    private static final int LOWEST = 19;
    private static final CLibrary C = load();

    private ThreadPriority() {
    }

    interface CLibrary extends Library {
        int setpriority(int which, int who, int priority);

        int getpriority(int which, int who);

        int gettid();
    }

    /** Lowers this thread's priority; returns whether it is now the lowest. */
    public static boolean lowerCurrentThread() {
        if (C == null) {
            return false;
        }
        try {
            // For PRIO_PROCESS, Linux takes a thread id and changes that thread alone.
            return C.setpriority(PRIO_PROCESS, C.gettid(), LOWEST) == 0;
        } catch (LinkageError | RuntimeException e) {
            log.debug("Could not lower the priority of thread {}", Thread.currentThread().getName(), e);
            return false;
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
