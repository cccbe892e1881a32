package io.trainyard.jobs;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * The jobs API tests are about the queue, not about specs or data: they submit minimal specs against fixture
 * datasets. The real spec check (training's) is tested with real data in io.trainyard.training.
 */
@TestConfiguration
class QueueOnlySpecs {

    @Bean
    @Primary
    JobSpecValidator queueOnlySpecValidator() {
        return new MinimalJobSpecValidator();
    }
}
