package io.trainyard.datasets;

import java.io.IOException;

/** Thrown from inside an upload stream when it crosses the configured limit; the upload answers 413. */
final class UploadTooLargeException extends IOException {

    UploadTooLargeException(long limit) {
        super("The upload is larger than the configured maximum of " + limit
                + " bytes (trainyard.datasets.max-upload-size).");
    }
}
