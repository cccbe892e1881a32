package io.trainyard.jobs;

import static io.trainyard.jobs.JobState.CANCELLED;
import static io.trainyard.jobs.JobState.CANCELLING;
import static io.trainyard.jobs.JobState.FAILED;
import static io.trainyard.jobs.JobState.QUEUED;
import static io.trainyard.jobs.JobState.RUNNING;
import static io.trainyard.jobs.JobState.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

class JobStateTest {

    @Test
    void theTableOfAllowedTransitions() {
        assertThat(QUEUED.allowedNext()).isEqualTo(Set.of(RUNNING, CANCELLED));
        assertThat(RUNNING.allowedNext()).isEqualTo(Set.of(SUCCEEDED, FAILED, QUEUED, CANCELLING));
        assertThat(CANCELLING.allowedNext()).isEqualTo(Set.of(CANCELLED, FAILED, SUCCEEDED));
        assertThat(SUCCEEDED.allowedNext()).isEmpty();
        assertThat(FAILED.allowedNext()).isEmpty();
        assertThat(CANCELLED.allowedNext()).isEmpty();
    }

    @Test
    void terminalAndLeasedStates() {
        assertThat(Set.of(JobState.values())).filteredOn(JobState::isTerminal)
                .containsExactlyInAnyOrder(SUCCEEDED, FAILED, CANCELLED);
        assertThat(Set.of(JobState.values())).filteredOn(JobState::isLeased)
                .containsExactlyInAnyOrder(RUNNING, CANCELLING);
    }

    @Test
    void anIllegalTransitionIsAProgrammingError() {
        assertThatThrownBy(() -> SUCCEEDED.requireTransitionTo(RUNNING))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("SUCCEEDED -> RUNNING");
        assertThatThrownBy(() -> QUEUED.requireTransitionTo(CANCELLING)).isInstanceOf(IllegalStateException.class);
    }
}
