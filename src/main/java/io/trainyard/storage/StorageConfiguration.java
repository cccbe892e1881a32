package io.trainyard.storage;

import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class StorageConfiguration {

    private static final Logger log = LoggerFactory.getLogger(StorageConfiguration.class);

    @Bean
    ObjectStore objectStore(StorageProperties properties) throws IOException {
        ObjectStore store = switch (properties.type()) {
            case filesystem -> new FileSystemObjectStore(properties.filesystem().root(),
                    properties.filesystem().directWrites());
            case s3 -> new S3ObjectStore(properties.s3());
        };
        log.info("Object store: {}; checkpoints checked with {}", store.describe(), Checksum.describeForCheckpoints());
        Blake3Kernel.advice().ifPresent(log::warn);
        return store;
    }

    @Bean
    ObjectStoreHealthIndicator objectStoreHealthIndicator(ObjectStore store) {
        return new ObjectStoreHealthIndicator(store);
    }
}
