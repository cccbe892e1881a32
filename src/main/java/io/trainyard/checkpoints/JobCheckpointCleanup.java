package io.trainyard.checkpoints;

import io.trainyard.jobs.JobDeleted;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** A deleted job's checkpoint bytes go with it (its rows are already gone by cascade). */
@Component
class JobCheckpointCleanup {

    private final CheckpointStore store;

    JobCheckpointCleanup(CheckpointStore store) {
        this.store = store;
    }

    @EventListener
    void on(JobDeleted event) {
        store.deleteAll(event.jobId());
    }
}
