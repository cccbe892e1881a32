package io.trainyard.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

class ThreadPriorityTest {

    @Test
    @EnabledOnOs(OS.LINUX)
    void compilerThreadsGetTheNiceValueAndNoOtherThreadDoes() {
        Integer mine = ThreadPriority.currentNice();
        assumeThat(mine).as("the tests' JVM runs below nice 10").isNotNull().isLessThan(10);
        List<Integer> before = ThreadPriority.compilerThreadsNice();
        assertThat(before).as("a JVM with a JIT has compiler threads").isNotEmpty();

        int changed = ThreadPriority.niceCompilerThreads(10);

        List<Integer> after = ThreadPriority.compilerThreadsNice();
        assertThat(changed).isEqualTo(after.size());
        assertThat(after).containsOnly(10);
        assertThat(ThreadPriority.currentNice()).as("the caller keeps its own").isEqualTo(mine);
    }
}
