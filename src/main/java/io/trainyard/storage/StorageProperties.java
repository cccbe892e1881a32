package io.trainyard.storage;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where object bytes go: {@code trainyard.storage.type=filesystem} (default, a local folder) or
 * {@code s3} (AWS S3, MinIO, Ceph or any S3-protocol server).
 */
@ConfigurationProperties(prefix = "trainyard.storage")
public record StorageProperties(
        @DefaultValue("filesystem") Type type,
        @DefaultValue Filesystem filesystem,
        @DefaultValue S3 s3) {

    public enum Type { filesystem, s3 }

    /**
     * @param root         the folder that holds every object (default ./data/objects)
     * @param directWrites write objects past the page cache ({@code O_DIRECT}) where the file system takes it (default
     *                     true); false always writes through the page cache
     */
    public record Filesystem(@DefaultValue("./data/objects") Path root, @DefaultValue("true") boolean directWrites) {
    }

    /**
     * @param endpoint        S3 endpoint URL; empty means AWS's regional endpoint
     * @param region          signing region (MinIO accepts any, e.g. us-east-1)
     * @param bucket          the bucket that holds every object
     * @param accessKey       access key; empty means the AWS default credentials chain
     * @param secretKey       secret key
     * @param pathStyleAccess path-style URLs (needed by MinIO and S3Proxy)
     * @param createBucket    create the bucket at startup when it does not exist
     * @param partSize        multipart upload part size in bytes (at least 5 MiB); bounds memory per upload
     */
    public record S3(
            @DefaultValue("") String endpoint,
            @DefaultValue("us-east-1") String region,
            @DefaultValue("trainyard") String bucket,
            @DefaultValue("") String accessKey,
            @DefaultValue("") String secretKey,
            @DefaultValue("true") boolean pathStyleAccess,
            @DefaultValue("true") boolean createBucket,
            @DefaultValue("8388608") int partSize) {
    }
}
