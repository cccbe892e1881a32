package io.trainyard.storage;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Objects in one S3 bucket (AWS, MinIO, Ceph, S3Proxy). A put of unknown length streams through a
 * multipart upload, holding one part in memory at a time; S3 makes each put atomic per key.
 */
public class S3ObjectStore implements ObjectStore, AutoCloseable {

    private static final int MIN_PART_SIZE = 5 * 1024 * 1024;

    private final S3Client s3;
    private final String bucket;
    private final int partSize;
    private final String description;

    public S3ObjectStore(StorageProperties.S3 config) {
        var builder = S3Client.builder()
                .region(Region.of(config.region()))
                .forcePathStyle(config.pathStyleAccess())
                .httpClientBuilder(ApacheHttpClient.builder())
                // Flexible checksums (SDK 2.30+) are not understood by every S3-compatible server.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .credentialsProvider(config.accessKey().isBlank()
                        ? DefaultCredentialsProvider.builder().build()
                        : StaticCredentialsProvider.create(
                                AwsBasicCredentials.create(config.accessKey(), config.secretKey())));
        if (!config.endpoint().isBlank()) {
            builder.endpointOverride(URI.create(config.endpoint()));
        }
        this.s3 = builder.build();
        this.bucket = config.bucket();
        this.partSize = Math.max(MIN_PART_SIZE, config.partSize());
        this.description = "s3:" + (config.endpoint().isBlank() ? "aws" : config.endpoint()) + "/" + bucket;
        if (config.createBucket()) {
            createBucketIfMissing();
        }
    }

    private void createBucketIfMissing() {
        try {
            s3.headBucket(b -> b.bucket(bucket));
        } catch (NoSuchBucketException e) {
            s3.createBucket(b -> b.bucket(bucket));
        } catch (S3Exception e) {
            if (e.statusCode() != 404) {
                throw e;
            }
            s3.createBucket(b -> b.bucket(bucket));
        }
    }

    @Override
    public StoredObject put(String key, Checksum.Algorithm algorithm, InputStream content) throws IOException {
        ObjectKeys.check(key);
        Hasher hasher = algorithm.hasher();
        byte[] first = content.readNBytes(partSize);
        hasher.update(first, 0, first.length);
        try {
            if (first.length < partSize) {
                s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(first));
                return new StoredObject(key, first.length, new Checksum(algorithm, hasher.hex()));
            }
            return multipart(key, first, content, algorithm, hasher);
        } catch (SdkException e) {
            throw new IOException("S3 put of '" + key + "' failed: " + e.getMessage(), e);
        }
    }

    private StoredObject multipart(String key, byte[] first, InputStream content, Checksum.Algorithm algorithm,
            Hasher hasher)
            throws IOException {
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        List<CompletedPart> parts = new ArrayList<>();
        long size = 0;
        try {
            byte[] part = first;
            while (part.length > 0) {
                int number = parts.size() + 1;
                byte[] body = part;
                String etag = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(number),
                        RequestBody.fromBytes(body)).eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
                size += part.length;
                part = content.readNBytes(partSize);
                hasher.update(part, 0, part.length);
            }
            s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                    .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build()));
            return new StoredObject(key, size, new Checksum(algorithm, hasher.hex()));
        } catch (IOException | RuntimeException e) {
            try {
                s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
            } catch (SdkException abortFailed) {
                e.addSuppressed(abortFailed);
            }
            throw e;
        }
    }

    @Override
    public InputStream get(String key) throws IOException {
        ObjectKeys.check(key);
        try {
            return s3.getObject(b -> b.bucket(bucket).key(key));
        } catch (NoSuchKeyException e) {
            throw new ObjectNotFoundException(key);
        } catch (SdkException e) {
            throw new IOException("S3 get of '" + key + "' failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<ObjectInfo> head(String key) throws IOException {
        ObjectKeys.check(key);
        try {
            HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key(key));
            return Optional.of(new ObjectInfo(key, head.contentLength(), head.lastModified()));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw new IOException("S3 head of '" + key + "' failed: " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new IOException("S3 head of '" + key + "' failed: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean delete(String key) throws IOException {
        // S3 answers a delete of a missing key with success; ask first so callers learn whether it existed.
        if (head(key).isEmpty()) {
            return false;
        }
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(key));
            return true;
        } catch (SdkException e) {
            throw new IOException("S3 delete of '" + key + "' failed: " + e.getMessage(), e);
        }
    }

    @Override
    public List<ObjectInfo> list(String prefix) throws IOException {
        String checked = ObjectKeys.checkPrefix(prefix);
        try {
            List<ObjectInfo> result = new ArrayList<>();
            for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(checked)).contents()) {
                // Some servers list "folder/" markers; our keys never end in a slash, so they are not objects.
                if (!o.key().endsWith("/")) {
                    result.add(new ObjectInfo(o.key(), o.size(), o.lastModified()));
                }
            }
            return result;
        } catch (SdkException e) {
            throw new IOException("S3 list of '" + prefix + "' failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void checkAvailable() throws IOException {
        try {
            s3.headBucket(b -> b.bucket(bucket));
        } catch (SdkException e) {
            throw new IOException("S3 bucket " + bucket + " is not reachable: " + e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        s3.close();
    }
}
