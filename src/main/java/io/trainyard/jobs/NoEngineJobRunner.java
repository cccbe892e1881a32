package io.trainyard.jobs;

/** Stands in until the training module provides the real runner: fails each job with a clear reason. */
class NoEngineJobRunner implements JobRunner {

    @Override
    public Outcome run(ClaimedJob job, JobContext context) {
        throw new JobFailedException("No training engine is configured in this build of Trainyard", false);
    }
}
