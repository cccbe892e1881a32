package io.trainyard.datasets;

import io.trainyard.support.PostgresIntegrationTest;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.test.context.TestPropertySource;

/**
 * The whole application against the test PostgreSQL, with an 8MB upload limit (so the 413 path is cheap to
 * reach while the Fashion-MNIST test set still fits) and a cache folder under target/. Classes sharing this
 * annotation share one application context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@PostgresIntegrationTest
@TestPropertySource(properties = {
    "trainyard.datasets.max-upload-size=8MB",
    "trainyard.datasets.cache-dir=target/test-dataset-cache"
})
@interface DatasetsIntegrationTest {
}
