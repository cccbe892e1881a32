package io.trainyard.jobs;

import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;

/** Publishes the module's events; always after the change they announce is committed. */
class JobEvents {

    private final ApplicationEventPublisher publisher;
    private final Clock clock;

    JobEvents(ApplicationEventPublisher publisher, Clock clock) {
        this.publisher = publisher;
        this.clock = clock;
    }

    void stateChanged(UUID jobId, String team, JobState from, JobState to) {
        publisher.publishEvent(new JobStateChanged(jobId, team, from, to, clock.instant()));
    }

    void epochCompleted(UUID jobId, String team, int epoch, Map<String, Object> metrics) {
        publisher.publishEvent(new JobEpochCompleted(jobId, team, epoch, Map.copyOf(metrics)));
    }

    void succeeded(ClaimedJob job) {
        publisher.publishEvent(new JobSucceeded(job.id(), job.team(), job.name(), job.datasetId(), job.totalEpochs(),
                job.leaseEpoch(), clock.instant()));
    }

    void deleted(UUID jobId, String team) {
        publisher.publishEvent(new JobDeleted(jobId, team));
    }
}
