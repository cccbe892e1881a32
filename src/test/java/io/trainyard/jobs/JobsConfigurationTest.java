package io.trainyard.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.transaction.PlatformTransactionManager;
import tools.jackson.databind.json.JsonMapper;

/** The stand-in runner and spec validator give way to real ones, wherever those are declared. */
class JobsConfigurationTest {

    private static TestDatabases.Owned db;

    @BeforeAll
    static void migrate() {
        db = TestDatabases.h2();
    }

    @AfterAll
    static void drop() {
        db.close();
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(JobsProperties.class)
    static class Infrastructure {
        @Bean
        DataSource dataSource() {
            // not the pool itself: the context would close it on shutdown
            return new DelegatingDataSource(db.dataSource());
        }

        @Bean
        PlatformTransactionManager transactionManager(DataSource dataSource) {
            return new DataSourceTransactionManager(dataSource);
        }

        @Bean
        JdbcClient jdbcClient(DataSource dataSource) {
            return JdbcClient.create(dataSource);
        }

        @Bean
        JsonMapper jsonMapper() {
            return JsonMapper.builder().build();
        }
    }

    static final JobRunner ENGINE = (job, ctx) -> JobRunner.Outcome.COMPLETED;

    @Configuration(proxyBeanMethods = false)
    static class Engine {
        @Bean
        JobRunner engineRunner() {
            return ENGINE;
        }
    }

    private final ApplicationContextRunner contexts = new ApplicationContextRunner()
            .withUserConfiguration(Infrastructure.class, JobsConfiguration.class)
            .withPropertyValues("trainyard.jobs.workers=0");

    @Test
    void withoutAnEngineJobsFailWithAClearReason() {
        contexts.run(context -> {
            assertThat(context.getBean(JobRunner.class)).isInstanceOf(NoEngineJobRunner.class);
            assertThat(context.getBean(JobSpecValidator.class)).isInstanceOf(MinimalJobSpecValidator.class);
        });
    }

    @Test
    void anEngineRunnerDeclaredAnywhereReplacesTheStandIn() {
        contexts.withUserConfiguration(Engine.class).run(context -> {
            assertThat(context.getBean(JobRunner.class)).isSameAs(ENGINE);
            assertThat(context.getBean(JobWorkerPool.class)).extracting("runner").isSameAs(ENGINE);
        });
    }

    @Test
    void propertiesHaveDocumentedDefaultsAndBind() {
        contexts.withPropertyValues("trainyard.jobs.lease-duration=PT1M", "trainyard.jobs.replica-id=r1")
                .run(context -> {
                    JobsProperties p = context.getBean(JobsProperties.class);
                    assertThat(p.workers()).isZero();
                    assertThat(p.leaseDuration()).isEqualTo(Duration.ofMinutes(1));
                    assertThat(p.heartbeatInterval()).isEqualTo(Duration.ofSeconds(10));
                    assertThat(p.pollInterval()).isEqualTo(Duration.ofSeconds(2));
                    assertThat(p.reaperInterval()).isEqualTo(Duration.ofSeconds(15));
                    assertThat(p.maxAttempts()).isEqualTo(3);
                    assertThat(p.maxConcurrentPerTeam()).isZero();
                    assertThat(p.replicaId()).isEqualTo("r1");
                });
        assertThat(JobsProperties.defaults().replicaId()).isNotBlank()
                .isNotEqualTo(JobsProperties.defaults().replicaId());
    }

    @Test
    void aHeartbeatSlowerThanTheLeaseIsRefusedAtStartup() {
        contexts.withPropertyValues("trainyard.jobs.heartbeat-interval=PT40S")
                .run(context -> assertThat(context).hasFailed());
    }
}
