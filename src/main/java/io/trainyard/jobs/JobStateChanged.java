package io.trainyard.jobs;

import java.time.Instant;
import java.util.UUID;

/** A job moved from one state to another; published after the change is committed. */
public record JobStateChanged(UUID jobId, String team, JobState from, JobState to, Instant at) {
}
