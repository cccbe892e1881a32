package io.trainyard.jobs;

import io.trainyard.support.PostgresIntegrationTest;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

/**
 * The whole application against PostgreSQL, in a schema of its own (no other test's workers or reapers see our
 * jobs, and we see none of theirs), with no workers of its own: tests start the pools they need.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@PostgresIntegrationTest
@TestPropertySource(properties = {
        "spring.datasource.hikari.schema=jobs_api",
        "spring.flyway.schemas=jobs_api",
        "spring.flyway.default-schema=jobs_api",
        "trainyard.jobs.workers=0",
        "trainyard.jobs.lease-duration=PT2S",
        "trainyard.jobs.heartbeat-interval=PT0.3S",
        "trainyard.jobs.reaper-interval=PT0.5S",
        "trainyard.jobs.events-poll-interval=PT0.2S"})
@Import({RecordedJobEvents.class, QueueOnlySpecs.class})
@interface JobsApiTest {
}
