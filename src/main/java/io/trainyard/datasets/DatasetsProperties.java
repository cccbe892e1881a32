package io.trainyard.datasets;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of the datasets module.
 *
 * @param maxUploadSize the most bytes one upload may store, all its files together (default 1GB); counted
 *                      while streaming, so a larger upload is cut off with 413 and leaves nothing behind.
 *                      The servlet limit spring.servlet.multipart.max-file-size still applies on top.
 * @param cacheDir      local folder where the parsed binary form of datasets is cached by checksum
 *                      (default ./data/cache); disposable, refilled from the object store on demand
 * @param maxClasses    the most classes a label column may have (default 1000); integer labels with more
 *                      distinct values are kept as regression targets only
 */
@ConfigurationProperties(prefix = "trainyard.datasets")
public record DatasetsProperties(
        @DefaultValue("1GB") DataSize maxUploadSize,
        @DefaultValue("./data/cache") Path cacheDir,
        @DefaultValue("1000") int maxClasses) {
}
