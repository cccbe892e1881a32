package io.trainyard.jobs;

import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Fallback;
import org.springframework.transaction.PlatformTransactionManager;
import tools.jackson.databind.json.JsonMapper;

/**
 * Wires the jobs module. The {@link JobRunner} and {@link JobSpecValidator} here are {@link Fallback}s: any other
 * bean of those types (the training engine, the spec module's validator) replaces them wherever it is declared.
 */
@Configuration(proxyBeanMethods = false)
class JobsConfiguration {

    @Bean
    JobRepository jobRepository(DataSource dataSource, PlatformTransactionManager transactions, JsonMapper json) {
        return new JobRepository(dataSource, transactions, json, Clock.systemUTC());
    }

    @Bean
    JobEvents jobEvents(ApplicationEventPublisher publisher) {
        return new JobEvents(publisher, Clock.systemUTC());
    }

    @Bean
    JobService jobService(JobRepository jobs, JobSpecValidator specs, JobEvents events, JobsProperties properties,
            JsonMapper json, JobLinks links) {
        return new JobService(jobs, specs, events, properties, json, links);
    }

    /** Replaced by the real links when the training module is present; alone, the queue trusts dataset ids. */
    @Bean
    @Fallback
    JobLinks noJobLinks() {
        return new JobLinks() {
            @Override
            public boolean datasetExists(String team, java.util.UUID datasetId) {
                return true;
            }

            @Override
            public java.util.Optional<ModelRef> modelOf(String team, java.util.UUID jobId) {
                return java.util.Optional.empty();
            }

            @Override
            public java.util.Optional<CheckpointRef> checkpointOf(java.util.UUID jobId, java.util.UUID checkpointId) {
                return java.util.Optional.empty();
            }
        };
    }

    @Bean
    JobEventStreams jobEventStreams(JobRepository jobs, JsonMapper json, JobsProperties properties) {
        return new JobEventStreams(jobs, json, properties);
    }

    @Bean
    JobWorkerPool jobWorkerPool(JobRepository jobs, JobRunner runner, JobEvents events, JobsProperties properties) {
        return new JobWorkerPool(jobs, runner, events, properties);
    }

    @Bean
    LeaseReaperTask leaseReaperTask(JobRepository jobs, JobEvents events, JobsProperties properties) {
        return new LeaseReaperTask(jobs, events, properties);
    }

    @Bean
    @Fallback
    JobRunner noEngineJobRunner() {
        return new NoEngineJobRunner();
    }

    @Bean
    @Fallback
    JobSpecValidator minimalJobSpecValidator() {
        return new MinimalJobSpecValidator();
    }
}
