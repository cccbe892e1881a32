package io.trainyard.jobs;

import java.util.UUID;

/**
 * @param epochs       how many more epochs to train
 * @param checkpointId the checkpoint to start from; the job's newest when absent
 */
record ContinueJobRequest(Integer epochs, UUID checkpointId) {
}
