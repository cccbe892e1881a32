package io.trainyard.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/** Points the application at the test PostgreSQL and at a fresh object-store folder. */
public class PostgresInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        TestDatabase.Connection db = TestDatabase.postgres();
        try {
            TestPropertyValues.of(
                    "spring.datasource.url=" + db.url(),
                    "spring.datasource.username=" + db.user(),
                    "spring.datasource.password=" + db.password(),
                    "trainyard.storage.filesystem.root=" + Files.createTempDirectory("trainyard-objects"),
                    "trainyard.datasets.cache-dir=" + Files.createTempDirectory("trainyard-cache"))
                    .applyTo(context);
            // Application contexts share one database: a worker in one of them would claim jobs that another test
            // created. Tests that train set trainyard.jobs.workers themselves (with a schema of their own).
            var inlined = context.getEnvironment().getPropertySources().get("Inlined Test Properties");
            if (inlined == null || !inlined.containsProperty("trainyard.jobs.workers")) {
                TestPropertyValues.of("trainyard.jobs.workers=0").applyTo(context);
            }
            // The same for batch-prediction tasks: another context's runner has another object-store folder.
            if (inlined == null || !inlined.containsProperty("trainyard.inference.batch-predictions.enabled")) {
                TestPropertyValues.of("trainyard.inference.batch-predictions.enabled=false").applyTo(context);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
