package io.trainyard.storage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.junit.jupiter.Testcontainers;

/** The contract against MinIO, the server docker-compose and the Helm chart use; needs Docker. */
@Testcontainers(disabledWithoutDocker = true)
class S3ObjectStoreMinioTest extends ObjectStoreContract {

    private static MinIOContainer minio;
    private static S3ObjectStore store;

    @BeforeAll
    static void start() {
        minio = new MinIOContainer("minio/minio:RELEASE.2025-04-22T22-12-26Z");
        minio.start();
        store = new S3ObjectStore(new StorageProperties.S3(minio.getS3URL(), "us-east-1", "trainyard",
                minio.getUserName(), minio.getPassword(), true, true, 5 * 1024 * 1024));
    }

    @AfterAll
    static void stop() {
        if (store != null) {
            store.close();
        }
        if (minio != null) {
            minio.stop();
        }
    }

    @Override
    protected ObjectStore store() {
        return store;
    }
}
