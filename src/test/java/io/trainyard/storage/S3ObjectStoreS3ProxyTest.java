package io.trainyard.storage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The contract against S3Proxy: real S3 protocol (signing, multipart uploads, pagination), no Docker needed. */
class S3ObjectStoreS3ProxyTest extends ObjectStoreContract {

    private static S3ProxyServer server;
    private static S3ObjectStore store;

    @BeforeAll
    static void start() throws Exception {
        server = S3ProxyServer.start();
        store = new S3ObjectStore(config("trainyard-contract"));
    }

    @AfterAll
    static void stop() {
        if (store != null) {
            store.close();
        }
        if (server != null) {
            server.close();
        }
    }

    static StorageProperties.S3 config(String bucket) {
        return new StorageProperties.S3(server.endpoint(), "us-east-1", bucket, S3ProxyServer.ACCESS_KEY,
                S3ProxyServer.SECRET_KEY, true, true, 5 * 1024 * 1024);
    }

    @Override
    protected ObjectStore store() {
        return store;
    }

    @Test
    void aMissingBucketIsCreatedAtStartup() throws Exception {
        try (S3ObjectStore fresh = new S3ObjectStore(config("created-by-trainyard"))) {
            fresh.checkAvailable();
            fresh.put("x", stream("y"));
            assertThat(fresh.list("")).extracting(ObjectInfo::key).containsExactly("x");
        }
    }

    @Test
    void listingPagesThroughMoreThanOneResponse() throws Exception {
        // S3 returns at most 1000 keys per response: the store must follow continuation tokens.
        String prefix = "paged/" + java.util.UUID.randomUUID() + "/";
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            java.util.List<java.util.concurrent.Future<StoredObject>> puts = new java.util.ArrayList<>();
            for (int i = 0; i < 1005; i++) {
                String key = prefix + String.format("%04d", i);
                puts.add(pool.submit(() -> store.put(key, stream("."))));
            }
            for (var put : puts) {
                put.get();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(store.list(prefix)).hasSize(1005).extracting(ObjectInfo::key).isSorted();
    }
}
