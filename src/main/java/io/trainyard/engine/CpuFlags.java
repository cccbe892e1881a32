package io.trainyard.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The widest SIMD extension the CPU offers, read from /proc/cpuinfo (Linux only). */
final class CpuFlags {

    private CpuFlags() {
    }

    static String best() {
        try {
            String flags = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("flags")).findFirst().orElse("");
            String padded = " " + flags + " ";
            if (padded.contains(" avx512f ")) {
                return "avx512";
            }
            if (padded.contains(" avx2 ")) {
                return "avx2";
            }
            return "sse3";
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
