package io.trainyard.training;

import io.trainyard.support.PostgresIntegrationTest;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.test.context.TestPropertySource;

/**
 * The whole application with one training worker, in a PostgreSQL schema of its own (no other test's jobs are
 * claimed by it, and no other worker claims ours), with short leases so lost-lease paths run quickly.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@PostgresIntegrationTest
@TestPropertySource(properties = {
        "spring.datasource.hikari.schema=training_api",
        "spring.flyway.schemas=training_api",
        "spring.flyway.default-schema=training_api",
        "trainyard.jobs.workers=1",
        "trainyard.jobs.poll-interval=PT0.2S",
        "trainyard.jobs.lease-duration=PT5S",
        "trainyard.jobs.heartbeat-interval=PT1S",
        "trainyard.jobs.reaper-interval=PT1S",
        "trainyard.jobs.events-poll-interval=PT0.2S",
        "trainyard.training.progress-interval=PT0.2S",
        "trainyard.training.compiler-threads-nice=10"})
@interface TrainingApiTest {
}
